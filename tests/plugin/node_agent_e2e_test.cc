// `gpulet node` end to end: the real process on the mock NVML runs the
// device plugin, feature discovery and the node's CDI spec together, each
// part can be switched off, SIGHUP reloads every part, and the config
// follows the node's nvidia.com/device-plugin.config label on a fake API
// server — a bad choice keeps the running config and is reported once in
// the log and as a node event.
#include <signal.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <thread>

#include "absl/strings/match.h"
#include "cdi/spec_file.h"
#include "fake_driver_root.h"
#include "kube/testing/fake_api_server.h"
#include "plugin_e2e_fixture.h"

namespace gpulet::testing {
namespace {

using kube::testing::FakeApiServer;

constexpr char kNode[] = "gpu-node-1";
constexpr char kDriverVersion[] = "550.54.15";  // the dgx-h100 profile's

std::string Replicas(int n) {
  return "version: v1\nsharing:\n  timeSlicing:\n    resources:\n"
         "      - name: nvidia.com/gpu\n        replicas: " + std::to_string(n) + "\n";
}

std::string ReadText(const std::string& path) {
  std::ifstream file(path);
  return std::string(std::istreambuf_iterator<char>(file), {});
}

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

bool WaitUntil(const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + kE2eWait;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

auto HasDevices(int count) {
  return [count](const v1beta1::ListAndWatchResponse& list) {
    return list.devices_size() == count;
  };
}

class NodeAgentE2eTest : public DevicePluginE2eTest {
 protected:
  void SetUp() override {
    DevicePluginE2eTest::SetUp();
    subcommand_ = "node";
    labels_ = dir_.Join("gfd");
  }

  bool WaitForLabel(const std::string& line) const {
    return WaitUntil([&] { return absl::StrContains(ReadText(labels_), line + "\n"); });
  }

  std::string labels_;
};

TEST_F(NodeAgentE2eTest, RunsThePluginTheLabelsAndTheCdiSpecInOneProcess) {
  FakeDriverRoot driver(kDriverVersion, 8);
  std::string cdi_dir = dir_.Join("cdi");
  ASSERT_EQ(mkdir(cdi_dir.c_str(), 0755), 0);
  Launch("dgx-h100", {"--output-file", labels_, "--cdi-spec", "--cdi-spec-dir", cdi_dir,
                      "--driver-root", driver.path()});
  ASSERT_TRUE(WaitRegistered());
  std::unique_ptr<PluginClient> client = Watch("nvidia.com/gpu");
  EXPECT_TRUE(client->WaitForList(HasDevices(8), kE2eWait));
  EXPECT_TRUE(WaitForLabel("nvidia.com/gpu.count=8")) << ReadText(labels_);
  EXPECT_TRUE(WaitForLabel("nvidia.com/gpu.product=NVIDIA-H100-80GB-HBM3"));

  std::string spec_path = cdi_dir + "/nvidia.yaml";
  ASSERT_TRUE(WaitUntil([&] { return Exists(spec_path); })) << plugin_->Log();
  absl::StatusOr<cdi::Spec> spec = cdi::LoadSpecFile(spec_path);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->kind, "nvidia.com/gpu");
  std::set<std::string> names;
  for (const cdi::Device& device : spec->devices) names.insert(device.name);
  std::vector<std::string> uuids = ProfileGpuUuids("dgx-h100");
  ASSERT_EQ(uuids.size(), 8u);
  EXPECT_TRUE(names.contains("0") && names.contains("7") && names.contains("all"));
  EXPECT_TRUE(names.contains(uuids[3]));
  EXPECT_EQ(names.size(), 17u);

  EXPECT_EQ(Terminate(), 0);
  // The labels are withdrawn and the sockets gone; the CDI spec stays for
  // the containers created from it, as NVIDIA's tools leave it.
  EXPECT_FALSE(Exists(labels_));
  EXPECT_FALSE(Exists(dir_.Join("nvidia-gpu.sock")));
  EXPECT_TRUE(Exists(spec_path));
}

TEST_F(NodeAgentE2eTest, PartsCanBeSwitchedOffByFlagOrEnvironment) {
  Launch("dgx-h100", {"--output-file", labels_, "--device-plugin=false"});
  EXPECT_TRUE(WaitForLabel("nvidia.com/gpu.count=8"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(kubelet_->Registrations().empty());
  EXPECT_EQ(Terminate(), 0);

  Launch("dgx-h100", {"--output-file", labels_}, {"GPULET_FEATURE_DISCOVERY=false"});
  ASSERT_TRUE(WaitRegistered());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(Exists(labels_));
  EXPECT_EQ(Terminate(), 0);
}

TEST_F(NodeAgentE2eTest, NothingToRunOrABadSwitchIsAUsageError) {
  Launch("dgx-h100", {"--device-plugin=false", "--feature-discovery=false"});
  EXPECT_EQ(plugin_->WaitForExit(kE2eWait), 2);
  EXPECT_TRUE(absl::StrContains(plugin_->Log(), "every part is off")) << plugin_->Log();

  Launch("dgx-h100", {"--cdi-spec=maybe"});
  EXPECT_EQ(plugin_->WaitForExit(kE2eWait), 2);
  EXPECT_TRUE(absl::StrContains(plugin_->Log(), "--cdi-spec: \"maybe\"")) << plugin_->Log();
}

TEST_F(NodeAgentE2eTest, SighupReloadsThePluginAndTheLabels) {
  std::string config = WriteFile("config.yaml", Replicas(2));
  Launch("dgx-h100", {"--config-file", config, "--output-file", labels_});
  ASSERT_TRUE(WaitRegistered());
  std::unique_ptr<PluginClient> client = Watch("nvidia.com/gpu");
  ASSERT_TRUE(client->WaitForList(HasDevices(16), kE2eWait));
  EXPECT_TRUE(WaitForLabel("nvidia.com/gpu.replicas=2"));

  WriteFile("config.yaml", Replicas(3));
  ASSERT_TRUE(plugin_->Signal(SIGHUP).ok());
  EXPECT_TRUE(client->WaitForList(HasDevices(24), kE2eWait));
  EXPECT_TRUE(WaitForLabel("nvidia.com/gpu.replicas=3")) << ReadText(labels_);
}

class NodeConfigE2eTest : public NodeAgentE2eTest {
 protected:
  void SetUp() override {
    NodeAgentE2eTest::SetUp();
    absl::StatusOr<std::unique_ptr<FakeApiServer>> server = FakeApiServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    api_ = *std::move(server);
    configs_ = dir_.Join("configs");
    ASSERT_EQ(mkdir(configs_.c_str(), 0755), 0);
    WriteConfig("two", Replicas(2));
    WriteConfig("three", Replicas(3));
    WriteConfig("default", "version: v1\n");
    // Parses, but no GPU can be shared -1 times.
    WriteConfig("broken", Replicas(-1));
  }

  void WriteConfig(const std::string& name, const std::string& text) const {
    std::ofstream(configs_ + "/" + name) << text;
  }

  void LabelNode(std::optional<std::string> value) const {
    std::map<std::string, std::string> labels;
    if (value.has_value()) labels["nvidia.com/device-plugin.config"] = *value;
    nlohmann::json node = kube::testing::NodeObject(kNode, labels);
    if (api_->GetNode(kNode).has_value()) {
      ASSERT_TRUE(api_->UpdateNode(node).ok());
    } else {
      ASSERT_TRUE(api_->AddNode(node).ok());
    }
  }

  void LaunchWithConfigs() {
    std::string kubeconfig = WriteFile("kubeconfig", KubeconfigFor(api_->url()));
    Launch("dgx-h100",
           {"--config-file-srcdir", configs_, "--kubeconfig", kubeconfig, "--output-file",
            labels_},
           {std::string("NODE_NAME=") + kNode});
  }

  // The messages of the Events posted for this node.
  std::vector<std::string> NodeEvents() const {
    std::vector<std::string> messages;
    for (const kube::testing::RecordedRequest& r : api_->Requests()) {
      if (r.method != "POST" || r.path != "/api/v1/namespaces/default/events") continue;
      nlohmann::json event = nlohmann::json::parse(r.body, nullptr, false);
      if (event.is_object() && event["involvedObject"].value("name", "") == kNode &&
          event.value("reason", "") == "InvalidDevicePluginConfig") {
        messages.push_back(event.value("message", ""));
      }
    }
    return messages;
  }

  std::unique_ptr<FakeApiServer> api_;
  std::string configs_;
};

TEST_F(NodeConfigE2eTest, TheNodeLabelChoosesTheConfigWithoutARestart) {
  LabelNode("two");
  LaunchWithConfigs();
  ASSERT_TRUE(WaitRegistered());
  std::unique_ptr<PluginClient> client = Watch("nvidia.com/gpu");
  ASSERT_TRUE(client->WaitForList(HasDevices(16), kE2eWait)) << plugin_->Log();
  EXPECT_TRUE(WaitForLabel("nvidia.com/gpu.replicas=2"));

  LabelNode("three");
  EXPECT_TRUE(client->WaitForList(HasDevices(24), kE2eWait)) << plugin_->Log();
  EXPECT_TRUE(WaitForLabel("nvidia.com/gpu.replicas=3"));

  // No label: the config called "default" (fallback `named`).
  LabelNode(std::nullopt);
  EXPECT_TRUE(client->WaitForList(HasDevices(8), kE2eWait)) << plugin_->Log();
  EXPECT_TRUE(WaitForLabel("nvidia.com/gpu.replicas=1"));
  EXPECT_EQ(kubelet_->Registrations().size(), 1u);
  EXPECT_TRUE(NodeEvents().empty());
}

TEST_F(NodeConfigE2eTest, ABadChoiceKeepsTheRunningConfigAndSaysWhyOnce) {
  LabelNode("three");
  LaunchWithConfigs();
  ASSERT_TRUE(WaitRegistered());
  std::unique_ptr<PluginClient> client = Watch("nvidia.com/gpu");
  ASSERT_TRUE(client->WaitForList(HasDevices(24), kE2eWait));

  LabelNode("broken");
  ASSERT_TRUE(WaitUntil([&] { return NodeEvents().size() == 1; })) << plugin_->Log();
  EXPECT_TRUE(absl::StrContains(NodeEvents()[0], "\"broken\"")) << NodeEvents()[0];
  EXPECT_TRUE(absl::StrContains(NodeEvents()[0], "keeping config \"three\"")) << NodeEvents()[0];
  EXPECT_TRUE(plugin_->WaitForLog("Config not switched", kE2eWait));

  LabelNode("missing");
  ASSERT_TRUE(WaitUntil([&] { return NodeEvents().size() == 2; })) << plugin_->Log();
  EXPECT_TRUE(absl::StrContains(NodeEvents()[1], "\"missing\"")) << NodeEvents()[1];
  EXPECT_EQ(client->LatestList().devices_size(), 24);

  // The ConfigMap is fixed in place: the same label now works.
  WriteConfig("broken", Replicas(2));
  LabelNode("broken");
  EXPECT_TRUE(client->WaitForList(HasDevices(16), kE2eWait)) << plugin_->Log();
  EXPECT_EQ(NodeEvents().size(), 2u);
  EXPECT_EQ(Terminate(), 0);
}

TEST_F(NodeConfigE2eTest, AnUnknownLabelAtStartFallsBackAndIsReported) {
  LabelNode("missing");
  LaunchWithConfigs();
  ASSERT_TRUE(WaitRegistered());
  std::unique_ptr<PluginClient> client = Watch("nvidia.com/gpu");
  EXPECT_TRUE(client->WaitForList(HasDevices(8), kE2eWait));
  EXPECT_TRUE(WaitUntil([&] { return NodeEvents().size() == 1; })) << plugin_->Log();
}

}  // namespace
}  // namespace gpulet::testing

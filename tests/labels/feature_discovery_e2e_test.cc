// The real `gpulet feature-discovery` process on the mock NVML: the file it
// writes, labels that follow a change of the machine (a control-file
// reload), no rewrite when nothing but time passes, SIGTERM, --oneshot, a
// bad --sleep-interval, an empty --output-file, and the NodeFeature object
// published to a (fake) API server instead of the file.
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#if GPULET_WITH_KUBE
#include "kube/testing/fake_api_server.h"
#endif
#include "labels/label_file.h"
#include "mock/nvml/mock_test_files.h"
#include "plugin_process.h"

namespace gpulet {
namespace {

using ::gpulet::testing::PluginProcess;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Key;
using ::testing::Not;
using ::testing::Pair;
using namespace std::chrono_literals;

constexpr char kClique[] = "7b968a6d-2c4f-4e0b-9a51-e1e51be99c31.32766";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

class FeatureDiscoveryProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("gfd-e2e-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "features.d");
    machine_ = (dir_ / "machine.yaml").string();
    control_ = (dir_ / "control").string();
    output_ = (dir_ / "features.d" / "gfd").string();
    profile_ = ReadAll(std::string(GPULET_MOCK_MACHINES_DIR) + "/gb200-nvl.yaml");
    Write(machine_, profile_);
    Write((dir_ / "product_name").string(), "GB200 NVL72\n");
  }
  void TearDown() override {
    process_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Start(std::vector<std::string> args) {
    std::vector<std::string> all = {"feature-discovery", "--nvml-library",
                                    GPULET_MOCK_NVML_PATH, "--machine-type-file",
                                    (dir_ / "product_name").string()};
    all.insert(all.end(), args.begin(), args.end());
    ASSERT_OK_AND_ASSIGN(process_, PluginProcess::Start({
                                       .binary = GPULET_BINARY,
                                       .args = all,
                                       .env = {"GPULET_MOCK_MACHINE=" + machine_,
                                               "GPULET_MOCK_CONTROL=" + control_},
                                       .log_path = (dir_ / "log").string(),
                                   }));
  }

  // The labels in the output file once it holds a parseable label set for
  // which `want` is true; empty on timeout.
  template <typename Pred>
  labels::LabelMap WaitForLabels(Pred want, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      absl::StatusOr<labels::LabelFileContents> parsed = labels::ParseLabelFile(ReadAll(output_));
      if (std::filesystem::exists(output_) && parsed.ok() && want(parsed->labels)) {
        return parsed->labels;
      }
      std::this_thread::sleep_for(20ms);
    }
    return {};
  }

  // Inode and modification time: a rewrite (rename of a new file) changes both.
  std::pair<ino_t, std::int64_t> Identity() const {
    struct stat st{};
    if (stat(output_.c_str(), &st) != 0) return {0, 0};
    return {st.st_ino, st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec};
  }

  std::filesystem::path dir_;
  std::string machine_, control_, output_, profile_;
  std::unique_ptr<PluginProcess> process_;
};

TEST_F(FeatureDiscoveryProcessTest, LoopFollowsTheMachineAndCleansUpOnSigterm) {
  Start({"--output-file", output_, "--sleep-interval", "1s"});
  labels::LabelMap first = WaitForLabels([](const labels::LabelMap& l) {
    return l.count("nvidia.com/gpu.count") > 0;
  });
  ASSERT_FALSE(first.empty()) << process_->Log();
  EXPECT_THAT(first, Contains(Pair("nvidia.com/gpu.count", "4")));
  EXPECT_THAT(first, Contains(Pair("nvidia.com/gpu.product", "NVIDIA-GB200")));
  EXPECT_THAT(first, Contains(Pair("nvidia.com/gpu.clique", kClique)));
  EXPECT_THAT(first, Contains(Pair("nvidia.com/gpu.machine", "GB200-NVL72")));
  EXPECT_THAT(first, Contains(Key("nvidia.com/gfd.timestamp")));

  // SIGHUP restarts the session with a new gfd.timestamp and nothing else
  // new: the file (expiring 4 s ahead, refreshed after 2 s) is left alone.
  const auto identity = Identity();
  ASSERT_OK(process_->Signal(SIGHUP));
  ASSERT_TRUE(process_->WaitForLog("SIGHUP: reloading", 5s)) << process_->Log();
  std::this_thread::sleep_for(500ms);  // the reloaded session's first pass
  EXPECT_EQ(Identity(), identity) << "rewritten although only the timestamp changed";
  EXPECT_TRUE(process_->running());

  // GPU 3 moves to another clique: the GPUs disagree, the label goes.
  std::string changed = profile_;
  const size_t last = changed.rfind("clique_id: 32766");
  ASSERT_NE(last, std::string::npos);
  changed.replace(last, std::string("clique_id: 32766").size(), "clique_id: 32767");
  Write(machine_, changed);
  mock::AppendControl(control_, "reload");
  labels::LabelMap split = WaitForLabels([](const labels::LabelMap& l) {
    return l.count("nvidia.com/gpu.count") > 0 && l.count("nvidia.com/gpu.clique") == 0;
  });
  ASSERT_FALSE(split.empty()) << process_->Log();
  EXPECT_THAT(process_->Log(), HasSubstr("different NVLink fabric cliques"));

  // Back in one clique: the label returns.
  Write(machine_, profile_);
  mock::AppendControl(control_, "reload");
  labels::LabelMap joined = WaitForLabels([](const labels::LabelMap& l) {
    return l.count("nvidia.com/gpu.clique") > 0;
  });
  EXPECT_THAT(joined, Contains(Pair("nvidia.com/gpu.clique", kClique))) << process_->Log();

  ASSERT_OK(process_->Signal(SIGTERM));
  EXPECT_EQ(process_->WaitForExit(5s), 0) << process_->Log();
  EXPECT_FALSE(std::filesystem::exists(output_)) << "SIGTERM removes the file";
}

TEST_F(FeatureDiscoveryProcessTest, OneshotWritesOnceAndExits) {
  Start({"--oneshot", "--output-file", output_, "--no-timestamp"});
  EXPECT_EQ(process_->WaitForExit(10s), 0) << process_->Log();
  ASSERT_OK_AND_ASSIGN(labels::LabelFileContents parsed,
                       labels::ParseLabelFile(ReadAll(output_)));
  EXPECT_THAT(parsed.labels, Contains(Pair("nvidia.com/gpu.count", "4")));
  EXPECT_THAT(parsed.labels, Not(Contains(Key("nvidia.com/gfd.timestamp"))));
}

// The checkpoint label `gpulet node` writes comes from feature discovery
// alone too: a host root with CRIU 4.2, the CUDA plugin, a GPU and an r570
// cuda-checkpoint is capable; without the plugin it is not.
TEST_F(FeatureDiscoveryProcessTest, LabelsANodeThatCanCheckpointGpuContainers) {
  const std::filesystem::path host = dir_ / "host";
  auto script = [&](const std::string& path, const std::string& body) {
    std::filesystem::create_directories((host / path).parent_path());
    Write((host / path).string(), "#!/bin/sh\n" + body + "\n");
    std::filesystem::permissions(host / path, std::filesystem::perms::owner_all);
  };
  script("usr/local/sbin/criu", "echo 'Version: 4.2'");
  script("usr/bin/cuda-checkpoint", "echo '  --action ACTION'");
  std::filesystem::create_directories(host / "proc/driver/nvidia/gpus/0000:3b:00.0");
  std::filesystem::create_directories(host / "usr/lib/criu");
  Write((host / "usr/lib/criu/cuda_plugin.so").string(), "plugin");
  const std::vector<std::string> args = {"--oneshot", "--output-file", output_,
                                         "--host-root", host.string(),
                                         "--cuda-checkpoint", "/usr/bin/cuda-checkpoint"};
  Start(args);
  EXPECT_EQ(process_->WaitForExit(10s), 0) << process_->Log();
  ASSERT_OK_AND_ASSIGN(labels::LabelFileContents capable, labels::ParseLabelFile(ReadAll(output_)));
  EXPECT_THAT(capable.labels, Contains(Pair("gpulet.io/checkpoint.capable", "true")));

  std::filesystem::remove(host / "usr/lib/criu/cuda_plugin.so");
  Start(args);
  EXPECT_EQ(process_->WaitForExit(10s), 0) << process_->Log();
  ASSERT_OK_AND_ASSIGN(labels::LabelFileContents not_capable,
                       labels::ParseLabelFile(ReadAll(output_)));
  EXPECT_THAT(not_capable.labels, Not(Contains(Key("gpulet.io/checkpoint.capable"))));
  EXPECT_THAT(process_->Log(), HasSubstr("no gpulet.io/checkpoint.capable label: "));
}

TEST_F(FeatureDiscoveryProcessTest, BadSleepIntervalFailsAndLeavesTheFile) {
  Write(output_, "nvidia.com/gpu.count=9\n");
  Start({"--output-file", output_, "--sleep-interval", "soon"});
  EXPECT_EQ(process_->WaitForExit(10s), 2) << process_->Log();
  EXPECT_THAT(process_->Log(), HasSubstr("sleep"));
  EXPECT_THAT(process_->Log(), HasSubstr("soon"));
  EXPECT_EQ(ReadAll(output_), "nvidia.com/gpu.count=9\n");
}

TEST_F(FeatureDiscoveryProcessTest, EmptyOutputFilePrintsAndKeepsTheNextFlag) {
  // "--output-file=" must not take "--oneshot" as its value.
  Start({"--output-file=", "--oneshot", "--no-timestamp"});
  EXPECT_EQ(process_->WaitForExit(10s), 0) << process_->Log();
  EXPECT_THAT(process_->Log(), HasSubstr("nvidia.com/gpu.count=4\n"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "--oneshot"));
  EXPECT_FALSE(std::filesystem::exists("--oneshot"));
}

TEST_F(FeatureDiscoveryProcessTest, NodeFeatureApiWithoutNodeNameIsABadFlag) {
  Start({"--use-node-feature-api", "--oneshot"});
  EXPECT_EQ(process_->WaitForExit(10s), 2) << process_->Log();
  EXPECT_THAT(process_->Log(), HasSubstr("NODE_NAME"));
}

#if GPULET_WITH_KUBE
TEST_F(FeatureDiscoveryProcessTest, NodeFeatureApiPublishesTheObjectInsteadOfTheFile) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<kube::testing::FakeApiServer> server,
                       kube::testing::FakeApiServer::Start());
  nlohmann::json pod = kube::testing::PodObject("gpu-operator", "gfd-x7k2p", "node-1");
  pod["metadata"]["ownerReferences"] = nlohmann::json::array(
      {{{"apiVersion", "apps/v1"}, {"kind", "DaemonSet"}, {"name", "gfd"},
        {"uid", "ds-uid"}, {"controller", true}}});
  ASSERT_OK(server->AddPod(pod).status());
  const std::string kubeconfig = (dir_ / "kubeconfig").string();
  Write(kubeconfig, "apiVersion: v1\nkind: Config\n"
                    "clusters: [{name: fake, cluster: {server: \"" + server->url() + "\"}}]\n"
                    "contexts: [{name: fake, context: {cluster: fake}}]\n"
                    "current-context: fake\n");
  Start({"--use-node-feature-api", "--oneshot", "--no-timestamp", "--output-file", output_,
         "--node-name", "node-1", "--namespace", "gpu-operator", "--pod-name", "gfd-x7k2p",
         "--kubeconfig", kubeconfig});
  EXPECT_EQ(process_->WaitForExit(20s), 0) << process_->Log();
  std::optional<nlohmann::json> object = server->GetObject(
      "nfd.k8s-sigs.io/v1alpha1/nodefeatures", "gpu-operator", "nvidia-features-for-node-1");
  ASSERT_TRUE(object.has_value()) << process_->Log();
  EXPECT_EQ((*object)["metadata"]["labels"]["nfd.node.kubernetes.io/node-name"], "node-1");
  EXPECT_EQ((*object)["spec"]["labels"]["nvidia.com/gpu.count"], "4");
  EXPECT_EQ((*object)["spec"]["labels"]["nvidia.com/gpu.clique"], kClique);
  ASSERT_EQ((*object)["metadata"]["ownerReferences"].size(), 2u);
  EXPECT_EQ((*object)["metadata"]["ownerReferences"][1]["kind"], "DaemonSet");
  EXPECT_FALSE(std::filesystem::exists(output_)) << "no features.d file in this mode";
}
#endif

}  // namespace
}  // namespace gpulet

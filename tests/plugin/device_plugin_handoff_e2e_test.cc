// The scheduler hand-off end to end on the device plugin's side: the real
// `gpulet device-plugin --scheduler-handoff` on the DGX H100 mock, a fake
// Kubernetes API server on loopback and the kubelet emulator. The plugin
// publishes its GPUs on the node; a pod bound to the node with a decision
// for GPU 3 gets GPU 3 from Allocate whatever the kubelet offers, and the
// pod is marked served.
#include <fstream>
#include <thread>

#include "extender/extender.h"
#include "extender/extender_metrics.h"
#include "extender/http_server.h"
#include "extender/kube_cluster_api.h"
#include "extender/wire_types.h"
#include "handoff/node_gpus.h"
#include "handoff/pod_decision.h"
#include "httplib.h"
#include "kube/client.h"
#include "kube/testing/fake_api_server.h"
#include "plugin_e2e_fixture.h"

namespace gpulet::testing {
namespace {

using kube::testing::FakeApiServer;

constexpr char kNode[] = "gpu-node-1";


// A pod bound to kNode whose containers got `grants`, as the extender
// leaves it before the kubelet admits it.
nlohmann::json DecidedPod(const std::string& name, int64_t time,
                          std::vector<std::vector<handoff::GpuGrant>> grants) {
  handoff::PodDecision decision;
  decision.node = kNode;
  decision.time_unix = time;
  nlohmann::json pod = kube::testing::PodObject("default", name, kNode);
  pod["spec"]["containers"] = nlohmann::json::array();
  for (size_t i = 0; i < grants.size(); ++i) {
    std::string container = "c" + std::to_string(i);
    decision.containers.push_back({container, grants[i]});
    pod["spec"]["containers"].push_back(
        {{"name", container},
         {"image", "cuda"},
         {"resources", {{"limits", {{"nvidia.com/gpu", std::to_string(grants[i].size())}}}}}});
  }
  pod["metadata"]["annotations"] = {{"gpulet.io/decision", handoff::EncodePodDecision(decision)},
                                    {"gpulet.io/bind-phase", "allocating"}};
  pod["status"] = {{"phase", "Pending"}};
  return pod;
}

std::string EnvOf(const v1beta1::AllocateResponse& response, int container,
                  const std::string& name) {
  const auto& envs = response.container_responses(container).envs();
  auto it = envs.find(name);
  return it == envs.end() ? "" : it->second;
}

class HandoffE2eTest : public DevicePluginE2eTest {
 protected:
  void SetUp() override {
    DevicePluginE2eTest::SetUp();
    absl::StatusOr<std::unique_ptr<FakeApiServer>> server = FakeApiServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    api_ = *std::move(server);
    ASSERT_TRUE(api_->AddNode(kube::testing::NodeObject(kNode)).ok());
    kubeconfig_ = WriteFile("kubeconfig", KubeconfigFor(api_->url()));
  }

  void LaunchWithHandoff(std::vector<std::string> args = {}) {
    std::vector<std::string> all = {"--scheduler-handoff", "--kubeconfig", kubeconfig_};
    all.insert(all.end(), args.begin(), args.end());
    Launch("dgx-h100", all, {std::string("NODE_NAME=") + kNode});
  }

  // Waits until `done` holds for pod default/<name>.
  bool WaitForPod(const std::string& name,
                  const std::function<bool(const nlohmann::json&)>& done) const {
    auto deadline = std::chrono::steady_clock::now() + kE2eWait;
    while (std::chrono::steady_clock::now() < deadline) {
      std::optional<nlohmann::json> pod = api_->GetPod("default", name);
      if (pod.has_value() && done(*pod)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  static std::string Annotation(const nlohmann::json& object, const std::string& key) {
    const nlohmann::json::json_pointer path("/metadata/annotations");
    if (!object.contains(path) || !object.at(path).contains(key)) return "";
    return object.at(path).at(key).get<std::string>();
  }

  std::unique_ptr<FakeApiServer> api_;
  std::string kubeconfig_;
  std::vector<std::string> uuids_ = ProfileGpuUuids("dgx-h100");
};

TEST_F(HandoffE2eTest, PublishesTheNodesGpus) {
  LaunchWithHandoff();
  ASSERT_TRUE(WaitRegistered());
  std::vector<handoff::NodeGpu> gpus;
  auto deadline = std::chrono::steady_clock::now() + kE2eWait;
  while (gpus.empty() && std::chrono::steady_clock::now() < deadline) {
    std::string text = Annotation(*api_->GetNode(kNode), "gpulet.io/gpus");
    if (!text.empty()) gpus = *handoff::DecodeNodeGpus(text);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(gpus.size(), 8u) << plugin_->Log();
  EXPECT_EQ(gpus[3].uuid, uuids_[3]);
  EXPECT_EQ(gpus[3].model, "NVIDIA H100 80GB HBM3");
  EXPECT_GT(gpus[3].memory_mib, 80000);
  EXPECT_TRUE(gpus[3].healthy);
}

TEST_F(HandoffE2eTest, DecisionForGpu3IsWhatAllocateHandsOut) {
  LaunchWithHandoff();
  ASSERT_TRUE(WaitRegistered());
  ASSERT_TRUE(api_->AddPod(DecidedPod("train", 1700000000, {{{uuids_[3], 3, 1000, 0}}})).ok());
  std::unique_ptr<PluginClient> client = Client("nvidia.com/gpu");
  // GetPreferredAllocation steers to a decision once the pod watch has
  // brought it (the kubelet asks after the binding, well after the decision
  // was written); only Allocate also lists the node's pods when it has none.
  std::string preferred_id;
  auto deadline = std::chrono::steady_clock::now() + kE2eWait;
  while (preferred_id != uuids_[3] && std::chrono::steady_clock::now() < deadline) {
    v1beta1::PreferredAllocationResponse preferred;
    ASSERT_TRUE(client->GetPreferredAllocation(uuids_, {}, 1, &preferred).ok());
    ASSERT_EQ(preferred.container_responses_size(), 1);
    preferred_id = preferred.container_responses(0).deviceids(0);
    if (preferred_id != uuids_[3]) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(preferred_id, uuids_[3]);

  v1beta1::AllocateResponse response;
  ASSERT_TRUE(client->Allocate({{uuids_[0]}}, &response).ok());
  EXPECT_EQ(EnvOf(response, 0, "NVIDIA_VISIBLE_DEVICES"), uuids_[3]) << plugin_->Log();
  EXPECT_TRUE(WaitForPod("train", [](const nlohmann::json& pod) {
    return Annotation(pod, "gpulet.io/allocated-containers") == "1" &&
           Annotation(pod, "gpulet.io/bind-phase") == "success";
  })) << plugin_->Log();

  // The decision is consumed: the next Allocate gets what the kubelet chose.
  ASSERT_TRUE(client->Allocate({{uuids_[0]}}, &response).ok());
  EXPECT_EQ(EnvOf(response, 0, "NVIDIA_VISIBLE_DEVICES"), uuids_[0]);
}

TEST_F(HandoffE2eTest, ShareAndTwoContainersAreServedInOrder) {
  LaunchWithHandoff();
  ASSERT_TRUE(WaitRegistered());
  ASSERT_TRUE(api_->AddPod(DecidedPod("mps", 1700000000,
                                      {{{uuids_[6], 6, 300, 8192}},
                                       {{uuids_[1], 1, 1000, 0}, {uuids_[2], 2, 1000, 0}}}))
                  .ok());
  std::unique_ptr<PluginClient> client = Client("nvidia.com/gpu");
  v1beta1::AllocateResponse first, second;
  ASSERT_TRUE(client->Allocate({{uuids_[0]}}, &first).ok());
  EXPECT_EQ(EnvOf(first, 0, "NVIDIA_VISIBLE_DEVICES"), uuids_[6]);
  EXPECT_EQ(EnvOf(first, 0, "CUDA_MPS_ACTIVE_THREAD_PERCENTAGE"), "30");
  EXPECT_EQ(EnvOf(first, 0, "CUDA_MPS_PINNED_DEVICE_MEM_LIMIT"), "0=8192M");
  EXPECT_EQ(EnvOf(first, 0, "GPULET_GPU_MILLI"), "300");
  EXPECT_EQ(EnvOf(first, 0, "GPULET_GPU_MEMORY_MIB"), "8192");
  EXPECT_TRUE(WaitForPod("mps", [](const nlohmann::json& pod) {
    return Annotation(pod, "gpulet.io/allocated-containers") == "1" &&
           Annotation(pod, "gpulet.io/bind-phase") == "allocating";
  }));
  ASSERT_TRUE(client->Allocate({{uuids_[4], uuids_[5]}}, &second).ok());
  EXPECT_EQ(EnvOf(second, 0, "NVIDIA_VISIBLE_DEVICES"), uuids_[1] + "," + uuids_[2]);
  EXPECT_EQ(EnvOf(second, 0, "GPULET_GPU_MILLI"), "");
  EXPECT_TRUE(WaitForPod("mps", [](const nlohmann::json& pod) {
    return Annotation(pod, "gpulet.io/allocated-containers") == "2" &&
           Annotation(pod, "gpulet.io/bind-phase") == "success";
  }));
}

TEST_F(HandoffE2eTest, GarbageDecisionFallsBackWithALogLine) {
  LaunchWithHandoff();
  ASSERT_TRUE(WaitRegistered());
  nlohmann::json pod = DecidedPod("broken", 1, {{{uuids_[3], 3, 1000, 0}}});
  pod["metadata"]["annotations"]["gpulet.io/decision"] = "{\"node\":";
  ASSERT_TRUE(api_->AddPod(pod).ok());
  v1beta1::AllocateResponse response;
  ASSERT_TRUE(Client("nvidia.com/gpu")->Allocate({{uuids_[7]}}, &response).ok());
  EXPECT_EQ(EnvOf(response, 0, "NVIDIA_VISIBLE_DEVICES"), uuids_[7]);
  EXPECT_NE(plugin_->Log().find("pod default/broken: annotation gpulet.io/decision"),
            std::string::npos)
      << plugin_->Log();
  EXPECT_NE(plugin_->Log().find("no pending scheduler decision"), std::string::npos);
}

TEST_F(HandoffE2eTest, UnreachableApiServerNeverFailsAnAllocate) {
  LaunchWithHandoff();
  ASSERT_TRUE(WaitRegistered());
  api_.reset();  // the API server goes away
  v1beta1::AllocateResponse response;
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(Client("nvidia.com/gpu")->Allocate({{uuids_[2]}}, &response).ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_EQ(EnvOf(response, 0, "NVIDIA_VISIBLE_DEVICES"), uuids_[2]);
  EXPECT_EQ(Terminate(), 0);
}

TEST_F(HandoffE2eTest, WithoutNodeNameItExitsWithOneClearLine) {
  Launch("dgx-h100", {"--scheduler-handoff", "--kubeconfig", kubeconfig_});
  EXPECT_EQ(plugin_->WaitForExit(kE2eWait), 2);
  EXPECT_NE(plugin_->Log().find("--scheduler-handoff needs the node's name in env NODE_NAME"),
            std::string::npos)
      << plugin_->Log();
}

TEST_F(HandoffE2eTest, OffByDefaultTouchesNoApiServer) {
  Launch("dgx-h100", {"--kubeconfig", kubeconfig_}, {std::string("NODE_NAME=") + kNode});
  ASSERT_TRUE(WaitRegistered());
  ASSERT_TRUE(api_->AddPod(DecidedPod("ignored", 1, {{{uuids_[3], 3, 1000, 0}}})).ok());
  v1beta1::AllocateResponse response;
  ASSERT_TRUE(Client("nvidia.com/gpu")->Allocate({{uuids_[0]}}, &response).ok());
  EXPECT_EQ(EnvOf(response, 0, "NVIDIA_VISIBLE_DEVICES"), uuids_[0]);
  EXPECT_EQ(api_->Requests().size(), 0u);
}

// The whole chain: the plugin publishes the node's GPUs, the extender (its
// HTTP server, watching the same API server) filters and binds a pod that
// asks for a quarter of a GPU, and the plugin's Allocate hands out the GPU
// and share the extender wrote on the pod.
TEST_F(HandoffE2eTest, ExtenderDecisionReachesAllocate) {
  nlohmann::json node = *api_->GetNode(kNode);
  node["status"]["allocatable"] = {{"cpu", "96"}, {"memory", "1Ti"}, {"nvidia.com/gpu", "8"}};
  ASSERT_TRUE(api_->UpdateNode(node).ok());
  LaunchWithHandoff();
  ASSERT_TRUE(WaitRegistered());

  absl::StatusOr<std::unique_ptr<kube::Client>> client =
      kube::Client::Create(api_->client_config());
  ASSERT_TRUE(client.ok()) << client.status();
  extender::KubeClusterApi cluster_api(client->get());
  extender::ClusterModel model;
  extender::ExtenderMetrics metrics;
  absl::StatusOr<std::unique_ptr<extender::Extender>> extender =
      extender::Extender::Create({}, &model, &cluster_api, &metrics);
  ASSERT_TRUE(extender.ok()) << extender.status();
  extender::ClusterSync sync(client->get(), &model, extender->get());
  sync.Start();
  ASSERT_TRUE(sync.WaitForSync(absl::Seconds(10)));
  extender::HttpServerOptions options;
  options.listen = "127.0.0.1:0";
  absl::StatusOr<std::unique_ptr<extender::ExtenderHttpServer>> server =
      extender::ExtenderHttpServer::Start(options, extender->get(), &metrics,
                                          [&sync] { return sync.synced(); });
  ASSERT_TRUE(server.ok()) << server.status();
  httplib::Client http("127.0.0.1", (*server)->port());

  nlohmann::json pod = kube::testing::PodObject("default", "quarter");
  pod["metadata"]["uid"] = "uid-quarter";
  pod["spec"]["containers"][0]["resources"] = {
      {"limits", {{"nvidia.com/gpu", "1"}, {"gpulet.io/gpu-milli", "250"}}}};
  pod["status"] = {{"phase", "Pending"}};
  ASSERT_TRUE(api_->AddPod(pod).ok());

  // The extender sees the node's GPUs once the plugin has published them.
  extender::ExtenderArgs args;
  args.pod = pod;
  args.node_names = std::vector<std::string>{kNode};
  std::string chosen;
  auto deadline = std::chrono::steady_clock::now() + kE2eWait;
  while (chosen.empty() && std::chrono::steady_clock::now() < deadline) {
    httplib::Result result =
        http.Post("/filter", extender::EncodeExtenderArgs(args), "application/json");
    ASSERT_TRUE(result);
    absl::StatusOr<extender::ExtenderFilterResult> filtered =
        extender::DecodeExtenderFilterResult(result->body);
    ASSERT_TRUE(filtered.ok()) << filtered.status();
    if (filtered->node_names.has_value() && filtered->node_names->size() == 1) {
      chosen = (*filtered->node_names)[0];
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ASSERT_EQ(chosen, kNode) << plugin_->Log();
  httplib::Result bound = http.Post(
      "/bind", extender::EncodeExtenderBindingArgs({"quarter", "default", "uid-quarter", kNode}),
      "application/json");
  ASSERT_TRUE(bound);
  ASSERT_EQ(extender::DecodeExtenderBindingResult(bound->body)->error, "");

  absl::StatusOr<handoff::PodDecision> decision = handoff::DecodePodDecision(
      Annotation(*api_->GetPod("default", "quarter"), "gpulet.io/decision"));
  ASSERT_TRUE(decision.ok()) << decision.status();
  ASSERT_EQ(decision->containers.size(), 1u);
  const handoff::GpuGrant& grant = decision->containers[0].gpus[0];
  EXPECT_EQ(grant.milli, 250);
  EXPECT_EQ(grant.uuid, uuids_[grant.index]);

  // The kubelet offers some other GPU; the plugin hands out the decided one.
  const std::string& offered = uuids_[(grant.index + 1) % uuids_.size()];
  v1beta1::AllocateResponse response;
  ASSERT_TRUE(Client("nvidia.com/gpu")->Allocate({{offered}}, &response).ok());
  EXPECT_EQ(EnvOf(response, 0, "NVIDIA_VISIBLE_DEVICES"), grant.uuid) << plugin_->Log();
  EXPECT_EQ(EnvOf(response, 0, "GPULET_GPU_MILLI"), "250");
  EXPECT_EQ(EnvOf(response, 0, "CUDA_MPS_ACTIVE_THREAD_PERCENTAGE"), "25");
  EXPECT_TRUE(WaitForPod("quarter", [](const nlohmann::json& pod) {
    return Annotation(pod, "gpulet.io/bind-phase") == "success";
  })) << plugin_->Log();
  (*server)->Stop();
  sync.Stop();
}

}  // namespace
}  // namespace gpulet::testing

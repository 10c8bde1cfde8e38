// `gpulet checkpoint` with a pod: the pod's processes found through the
// fake API server and the pod's cgroups, and `gpulet checkpoint pod`
// against a fake kubelet checkpoint endpoint.
#include <httplib.h>

#include <string>
#include <thread>

#include "base/status_matchers.h"
#include "checkpoint_node.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kube/testing/fake_api_server.h"
#include "kube/testing/temp_dir.h"

namespace gpulet::testing {
namespace {

using ::testing::HasSubstr;

const std::string kPodUid = "11111111-2222-3333-4444-555555555555";
const std::string kTrainer = std::string(63, 'c') + "1";
const std::string kSidecar = std::string(63, 'd') + "2";

class CheckpointPodTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(api_, kube::testing::FakeApiServer::Start());
    nlohmann::json pod = kube::testing::PodObject("ml", "train-0", "node-1");
    pod["metadata"]["uid"] = kPodUid;
    pod["spec"]["containers"] = {{{"name", "trainer"}}, {{"name", "sidecar"}}};
    ASSERT_OK(api_->AddPod(pod));
    nlohmann::json node = kube::testing::NodeObject("node-1");
    node["status"]["addresses"] = {{{"type", "InternalIP"}, {"address", "127.0.0.1"}}};
    ASSERT_OK(api_->AddNode(node));
    kubeconfig_ = dir_.Write("kubeconfig", R"(apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: ")" + api_->url() + R"("}}]
users: [{name: u, user: {token: node-agent-token}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
)");
  }
  void TearDown() override {
    if (kubelet_thread_.joinable()) {
      kubelet_.stop();
      kubelet_thread_.join();
    }
  }

  // A kubelet that answers every checkpoint with `code` and `body` ("" for
  // the archive of the container).
  std::string StartKubelet(int code, std::string body) {
    kubelet_.Post(R"(/checkpoint/([^/]+)/([^/]+)/([^/]+))",
                  [this, code, body](const httplib::Request& req, httplib::Response& res) {
                    authorization_ = req.get_header_value("Authorization");
                    res.status = code;
                    std::string archive = "/var/lib/kubelet/checkpoints/checkpoint-" +
                                          std::string(req.matches[2]) + "_" +
                                          std::string(req.matches[1]) + "-" +
                                          std::string(req.matches[3]) + ".tar";
                    res.set_content(body.empty() ? R"({"items":[")" + archive + R"("]})" : body,
                                    "application/json");
                  });
    int port = kubelet_.bind_to_any_port("127.0.0.1");
    kubelet_thread_ = std::thread([this] { kubelet_.listen_after_bind(); });
    for (int i = 0; i < 1000 && !kubelet_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return "http://127.0.0.1:" + std::to_string(port);
  }

  // `gpulet checkpoint pod ml/train-0` with the fake API server's kubeconfig.
  GpuletRun CheckpointPod(const std::string& flags) const {
    return RunGpulet("", "checkpoint pod ml/train-0 --kubeconfig " + kubeconfig_ + " " + flags);
  }

  kube::testing::TempDir dir_;
  std::unique_ptr<kube::testing::FakeApiServer> api_;
  std::string kubeconfig_;
  httplib::Server kubelet_;
  std::thread kubelet_thread_;
  std::string authorization_;
};

TEST_F(CheckpointPodTest, SuspendsEveryProcessOfThePod) {
  CheckpointNode node;
  node.AddProcess(100, 1, ContainerCgroup(kPodUid, kTrainer), true);
  node.AddProcess(101, 100, ContainerCgroup(kPodUid, kTrainer), true);
  node.AddProcess(200, 1, ContainerCgroup(kPodUid, kSidecar), true);
  node.AddProcess(300, 1, ContainerCgroup("99999999-2222-3333-4444-555555555555", kTrainer), true);
  GpuletRun run = node.Run("suspend --pod ml/train-0 --kubeconfig " + kubeconfig_);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(node.State(100), "checkpointed");
  EXPECT_EQ(node.State(101), "checkpointed");
  EXPECT_EQ(node.State(200), "checkpointed");
  EXPECT_EQ(node.State(300), "running");  // another pod

  GpuletRun missing = node.Run("status --pod ml/nope --kubeconfig " + kubeconfig_);
  EXPECT_EQ(missing.exit_code, 9) << missing.err;
  EXPECT_THAT(missing.err, HasSubstr("pod ml/nope not found"));
}

TEST_F(CheckpointPodTest, CheckpointsEveryContainerThroughTheKubelet) {
  std::string kubelet = StartKubelet(200, "");
  GpuletRun run = CheckpointPod("--kubelet-url " + kubelet);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("CONTAINER  ARCHIVE"));
  EXPECT_THAT(run.out,
              HasSubstr("trainer    /var/lib/kubelet/checkpoints/checkpoint-train-0_ml-trainer.tar"));
  EXPECT_THAT(run.out,
              HasSubstr("sidecar    /var/lib/kubelet/checkpoints/checkpoint-train-0_ml-sidecar.tar"));
  EXPECT_EQ(authorization_, "Bearer node-agent-token");
}

TEST_F(CheckpointPodTest, KubeletWithoutTheFeature) {
  std::string kubelet = StartKubelet(404, "404 page not found");
  GpuletRun run = CheckpointPod("--kubelet-url " + kubelet);
  EXPECT_EQ(run.exit_code, 8) << run.err;
  EXPECT_THAT(run.err, HasSubstr("kubelet without the checkpoint feature (ContainerCheckpoint gate)"));
}

TEST_F(CheckpointPodTest, KubeletOfThePodsNode) {
  // Without --kubelet-url: the node's InternalIP on --kubelet-port, over
  // HTTPS, which this plain-HTTP fake does not speak: the error names it.
  GpuletRun run = CheckpointPod("--kubelet-port 1");
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_THAT(run.err, HasSubstr("checkpoint of ml/train-0 container trainer"));
}

}  // namespace
}  // namespace gpulet::testing

// The extender against a fake API server on loopback: 100 GPU nodes come in
// through the node watch, a kube-scheduler-shaped /filter then /bind go over
// HTTP, and the API server sees the decision patch and then the Binding.
#include "base/status_matchers.h"
#include "extender/http_server.h"
#include "extender/kube_cluster_api.h"
#include "extender/test_objects.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handoff/annotations.h"
#include "handoff/pod_decision.h"
#include "httplib.h"
#include "kube/testing/fake_api_server.h"

namespace gpulet::extender {
namespace {

using ::testing::HasSubstr;

class ExtenderE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(api_server_, kube::testing::FakeApiServer::Start());
    for (int i = 0; i < 100; ++i) {
      names_.push_back("node-" + std::to_string(i));
      ASSERT_OK(api_server_->AddNode(testing::NodeObject(names_.back(), 4))
                    .status());
    }
    kube::ClientConfig config = api_server_->client_config();
    config.max_attempts = 1;
    ASSERT_OK_AND_ASSIGN(client_, kube::Client::Create(config));
    api_ = std::make_unique<KubeClusterApi>(client_.get());
    ASSERT_OK_AND_ASSIGN(extender_,
                         Extender::Create({}, &model_, api_.get(), &metrics_));
    sync_ = std::make_unique<ClusterSync>(client_.get(), &model_,
                                          extender_.get());
    sync_->Start();
    ASSERT_TRUE(sync_->WaitForSync(absl::Seconds(10)));
    HttpServerOptions options;
    options.listen = "127.0.0.1:0";
    ASSERT_OK_AND_ASSIGN(
        server_, ExtenderHttpServer::Start(options, extender_.get(), &metrics_,
                                           [this] { return sync_->synced(); }));
    http_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (sync_) sync_->Stop();
  }

  std::string Filter(const std::string& pod) {
    nlohmann::json object = testing::PodObject(pod, 1, 500);
    EXPECT_OK(api_server_->AddPod(object).status());
    ExtenderArgs args;
    args.pod = object;
    args.node_names = names_;
    httplib::Result result =
        http_->Post("/filter", EncodeExtenderArgs(args), "application/json");
    EXPECT_TRUE(result);
    absl::StatusOr<ExtenderFilterResult> decoded =
        DecodeExtenderFilterResult(result->body);
    EXPECT_OK(decoded.status());
    EXPECT_EQ(decoded->error, "");
    EXPECT_EQ(decoded->node_names->size(), 1u);
    return decoded->node_names->empty() ? "" : (*decoded->node_names)[0];
  }

  std::string Bind(const std::string& pod, const std::string& node) {
    httplib::Result result = http_->Post(
        "/bind",
        EncodeExtenderBindingArgs({pod, "default", "uid-" + pod, node}),
        "application/json");
    EXPECT_TRUE(result);
    return DecodeExtenderBindingResult(result->body)->error;
  }

  std::unique_ptr<kube::testing::FakeApiServer> api_server_;
  std::vector<std::string> names_;
  std::unique_ptr<kube::Client> client_;
  std::unique_ptr<KubeClusterApi> api_;
  ClusterModel model_;
  ExtenderMetrics metrics_;
  std::unique_ptr<Extender> extender_;
  std::unique_ptr<ClusterSync> sync_;
  std::unique_ptr<ExtenderHttpServer> server_;
  std::unique_ptr<httplib::Client> http_;
};

TEST_F(ExtenderE2eTest, FilterThenBindPatchesThenBindsWithRealGpus) {
  EXPECT_EQ(http_->Get("/readyz")->status, 200);
  EXPECT_EQ(model_.node_count(), 100);
  std::string node = Filter("p");
  ASSERT_FALSE(node.empty());
  EXPECT_EQ(Bind("p", node), "");
  std::vector<kube::testing::RecordedRequest> requests = api_server_->Requests();
  int patch = -1, binding = -1;
  for (int i = 0; i < static_cast<int>(requests.size()); ++i) {
    if (requests[i].method == "PATCH" &&
        requests[i].path == "/api/v1/namespaces/default/pods/p") {
      patch = i;
    }
    if (requests[i].method == "POST" &&
        requests[i].path == "/api/v1/namespaces/default/pods/p/binding") {
      binding = i;
    }
  }
  ASSERT_GE(patch, 0);
  ASSERT_GT(binding, patch);
  std::optional<nlohmann::json> pod = api_server_->GetPod("default", "p");
  ASSERT_TRUE(pod.has_value());
  EXPECT_EQ((*pod)["spec"]["nodeName"], node);
  ASSERT_OK_AND_ASSIGN(
      handoff::PodDecision decision,
      handoff::DecodePodDecision((*pod)["metadata"]["annotations"]
                                     [std::string(handoff::kDecisionAnnotation)]
                                         .get<std::string>()));
  EXPECT_EQ(decision.node, node);
  EXPECT_THAT(decision.containers[0].gpus[0].uuid,
              HasSubstr("GPU-" + node + "-"));
}

TEST_F(ExtenderE2eTest, ApiServerErrorsAnswerErrorAndLeakNothing) {
  std::string node = Filter("p");
  api_server_->FailNextRequests("PATCH", "/api/v1/namespaces/default/pods/p",
                                1, 500);
  EXPECT_THAT(Bind("p", node), HasSubstr("decision"));
  EXPECT_EQ(extender_->grants().size(), 0);

  node = Filter("q");
  api_server_->FailNextRequests(
      "POST", "/api/v1/namespaces/default/pods/q/binding", 1, 409);
  EXPECT_THAT(Bind("q", node), HasSubstr("binding"));
  EXPECT_EQ(extender_->grants().size(), 0);
  EXPECT_EQ(testing::UsedGpuMilli(model_), 0);
}

TEST_F(ExtenderE2eTest, DeletedPodGivesItsGrantBack) {
  std::string node = Filter("p");
  ASSERT_EQ(Bind("p", node), "");
  ASSERT_OK(api_server_->DeletePod("default", "p"));
  for (int i = 0; i < 200 && extender_->grants().size() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(extender_->grants().size(), 0);
  EXPECT_EQ(metrics_.releases("pod-deleted"), 1);
}

// The operator's sequence: a 2-GPU pod runs on GPUs of node-0, one of them
// turns unhealthy, the extender restarts. The new extender learns both from
// its lists and must hold the pod, so a 3-GPU pod no longer fits node-0.
TEST_F(ExtenderE2eTest, RestartedExtenderHoldsPodsOnUnhealthyGpus) {
  nlohmann::json pod = testing::PodObject("running", 2);
  ASSERT_OK(api_server_->AddPod(pod).status());
  ExtenderArgs args;
  args.pod = pod;
  args.node_names = std::vector<std::string>{"node-0"};
  ASSERT_TRUE(http_->Post("/filter", EncodeExtenderArgs(args), "application/json"));
  ASSERT_EQ(Bind("running", "node-0"), "");
  std::optional<nlohmann::json> bound = api_server_->GetPod("default", "running");
  ASSERT_TRUE(bound.has_value());
  ASSERT_OK_AND_ASSIGN(
      handoff::PodDecision decision,
      handoff::DecodePodDecision((*bound)["metadata"]["annotations"]
                                     [std::string(handoff::kDecisionAnnotation)]
                                         .get<std::string>()));
  int unhealthy = decision.containers[0].gpus[1].index;
  server_->Stop();
  sync_->Stop();
  ASSERT_OK(api_server_->UpdateNode(testing::NodeObject("node-0", 4, 81920,
                                                         {unhealthy}))
                .status());

  ClusterModel model;
  ExtenderMetrics metrics;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Extender> restarted,
                       Extender::Create({}, &model, api_.get(), &metrics));
  ClusterSync sync(client_.get(), &model, restarted.get());
  sync.Start();
  ASSERT_TRUE(sync.WaitForSync(absl::Seconds(10)));
  EXPECT_EQ(restarted->grants().State("uid-running"), GrantState::kBound);
  EXPECT_EQ(metrics.failures("watch", "grant-does-not-fit"), 0);
  args.pod = testing::PodObject("three", 3);
  ExtenderFilterResult three = restarted->Filter(args);
  EXPECT_TRUE(three.node_names->empty());
  EXPECT_THAT(three.failed_nodes["node-0"], HasSubstr("not enough free GPU"));
  sync.Stop();
}

}  // namespace
}  // namespace gpulet::extender

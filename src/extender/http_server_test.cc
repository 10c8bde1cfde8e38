#include "extender/http_server.h"

#include <atomic>

#include "base/status_matchers.h"
#include "extender/test_objects.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"

namespace gpulet::extender {
namespace {

using ::testing::HasSubstr;
using testing::FakeClusterApi;
using testing::NodeObject;
using testing::PodObject;

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(extender_, Extender::Create({}, &model_, &api_,
                                                     &metrics_));
    for (int i = 0; i < 3; ++i) {
      ASSERT_OK(model_.UpsertNode(NodeObject("n" + std::to_string(i), 2)));
    }
    HttpServerOptions options;
    options.listen = "127.0.0.1:0";
    ASSERT_OK_AND_ASSIGN(server_,
                         ExtenderHttpServer::Start(options, extender_.get(),
                                                   &metrics_,
                                                   [this] { return ready_.load(); }));
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }

  httplib::Result Post(const std::string& path, const std::string& body) {
    return client_->Post(path.c_str(), body, "application/json");
  }

  ClusterModel model_;
  FakeClusterApi api_;
  ExtenderMetrics metrics_;
  std::unique_ptr<Extender> extender_;
  std::atomic<bool> ready_{false};
  std::unique_ptr<ExtenderHttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(HttpServerTest, FilterThenBindOverLoopback) {
  ExtenderArgs args;
  args.pod = PodObject("p", 1, 500);
  api_.AddPod(args.pod);
  args.node_names = std::vector<std::string>{"n0", "n1", "n2"};
  httplib::Result filter = Post("/filter", EncodeExtenderArgs(args));
  ASSERT_TRUE(filter);
  EXPECT_EQ(filter->status, 200);
  EXPECT_EQ(filter->get_header_value("Content-Type"), "application/json");
  nlohmann::json answer = nlohmann::json::parse(filter->body);
  ASSERT_EQ(answer["NodeNames"].size(), 1u);
  std::string node = answer["NodeNames"][0];
  httplib::Result bind = Post(
      "/v1/bind", EncodeExtenderBindingArgs({"p", "default", "uid-p", node}));
  ASSERT_TRUE(bind);
  EXPECT_EQ(bind->body, R"({"Error":""})");
  EXPECT_EQ(api_.bound["default/p"], node);

  httplib::Result metrics = client_->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_THAT(metrics->body,
              HasSubstr("gpulet_extender_decisions_total{verb=\"filter\","
                        "outcome=\"placed\"} 1"));
  EXPECT_THAT(metrics->body, HasSubstr("gpulet_extender_grants{state=\"bound\"} 1"));
  EXPECT_THAT(metrics->body,
              HasSubstr("gpulet_extender_request_seconds_count{verb=\"bind\"} 1"));
}

TEST_F(HttpServerTest, BadRequestsGetAClearErrorWithStatus200) {
  httplib::Result malformed = Post("/filter", "{not json");
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->status, 200);
  EXPECT_THAT(malformed->body, HasSubstr("malformed JSON"));
  httplib::Result no_pod = Post("/filter", R"({"NodeNames":["n0"]})");
  EXPECT_THAT(no_pod->body, HasSubstr("no Pod"));
  httplib::Result bind = Post("/bind", "[]");
  EXPECT_THAT(bind->body, HasSubstr("must be a JSON object"));
  httplib::Result prioritize = Post("/prioritize", "{");
  EXPECT_EQ(prioritize->status, 400);
  EXPECT_THAT(prioritize->body, HasSubstr("Error"));
  std::string huge(2 << 20, ' ');
  httplib::Result too_big = Post("/filter", huge);
  ASSERT_TRUE(too_big);
  EXPECT_EQ(too_big->status, 413);
  EXPECT_THAT(too_big->body, HasSubstr("1 MiB"));
  EXPECT_EQ(extender_->grants().size(), 0);
  EXPECT_EQ(metrics_.failures("filter", "malformed"), 1);
}

TEST_F(HttpServerTest, HealthAndReadiness) {
  EXPECT_EQ(client_->Get("/healthz")->status, 200);
  EXPECT_EQ(client_->Get("/readyz")->status, 503);
  ready_.store(true);
  EXPECT_EQ(client_->Get("/readyz")->status, 200);
}

TEST_F(HttpServerTest, UnknownPathsAndMethodsGetAnErrorBody) {
  httplib::Result missing = Post("/v2/filter", "{}");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->get_header_value("Content-Type"), "application/json");
  EXPECT_THAT(missing->body, HasSubstr(R"("Error":"no route for /v2/filter")"));
  httplib::Result wrong = client_->Get("/filter");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->get_header_value("Allow"), "POST");
  EXPECT_THAT(wrong->body, HasSubstr("Error"));
}

TEST_F(HttpServerTest, PrioritizeAndPreempt) {
  ExtenderArgs args;
  args.pod = PodObject("p", 1);
  args.node_names = std::vector<std::string>{"n0", "n1"};
  httplib::Result scores = Post("/prioritize", EncodeExtenderArgs(args));
  ASSERT_OK_AND_ASSIGN(std::vector<HostPriority> list,
                       DecodeHostPriorityList(scores->body));
  EXPECT_EQ(list.size(), 2u);
  httplib::Result preempt = Post(
      "/preempt", R"({"Pod":{},"NodeNameToMetaVictims":{"n0":{"Pods":[{"UID":"a"}],"NumPDBViolations":0}}})");
  EXPECT_EQ(preempt->body,
            R"({"NodeNameToMetaVictims":{"n0":{"Pods":[{"UID":"a"}],"NumPDBViolations":0}}})");
}

}  // namespace
}  // namespace gpulet::extender

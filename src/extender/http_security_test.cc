// The extender's HTTP server as shipped: verbs on loopback only, health and
// metrics on a second address for probes, and TLS with client certificates
// for a kube-scheduler outside the pod.
#include <stdlib.h>

#include <filesystem>

#include "base/status_matchers.h"
#include "extender/http_server.h"
#include "extender/test_objects.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http/testing/test_certificates.h"
#include "httplib.h"

namespace gpulet::extender {
namespace {

using ::testing::HasSubstr;

class ExtenderSecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(extender_, Extender::Create({}, &model_, &api_, &metrics_));
    ASSERT_OK(model_.UpsertNode(testing::NodeObject("n0", 2)));
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  void Start(HttpServerOptions options) {
    ASSERT_OK_AND_ASSIGN(server_, ExtenderHttpServer::Start(options, extender_.get(), &metrics_,
                                                            [] { return true; }));
  }

  std::string FilterBody() {
    nlohmann::json pod = testing::PodObject("p", 1);
    api_.AddPod(pod);
    ExtenderArgs args;
    args.pod = pod;
    args.node_names = std::vector<std::string>{"n0"};
    return EncodeExtenderArgs(args);
  }

  ClusterModel model_;
  testing::FakeClusterApi api_;
  ExtenderMetrics metrics_;
  std::unique_ptr<Extender> extender_;
  std::unique_ptr<ExtenderHttpServer> server_;
  std::string dir_;
};

TEST_F(ExtenderSecurityTest, HealthServerAnswersProbesAndMetricsButNoVerbs) {
  HttpServerOptions options;
  options.listen = "127.0.0.1:0";
  options.health_listen = "127.0.0.1:0";
  Start(options);
  ASSERT_NE(server_->health_port(), 0);
  ASSERT_NE(server_->health_port(), server_->port());
  httplib::Client health("127.0.0.1", server_->health_port());
  EXPECT_EQ(health.Get("/healthz")->status, 200);
  EXPECT_EQ(health.Get("/readyz")->status, 200);
  httplib::Result metrics = health.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_THAT(metrics->body, HasSubstr("gpulet_extender_grants"));
  for (const char* verb : {"/filter", "/prioritize", "/bind", "/preempt", "/v1/bind"}) {
    httplib::Result refused = health.Post(verb, FilterBody(), "application/json");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 404) << verb;
  }
  EXPECT_EQ(extender_->grants().size(), 0);
  httplib::Client verbs("127.0.0.1", server_->port());
  EXPECT_EQ(verbs.Post("/filter", FilterBody(), "application/json")->status, 200);
  EXPECT_EQ(extender_->grants().size(), 1);
}

TEST_F(ExtenderSecurityTest, TlsServesOnlyClientsWithACertificateFromTheCa) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "gpulet-extender-tls-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  dir_ = pattern;
  ASSERT_OK(http::testing::MakeTestCertificates(dir_));
  HttpServerOptions options;
  options.listen = "127.0.0.1:0";
  options.tls = {dir_ + "/server.crt", dir_ + "/server.key", dir_ + "/ca.crt"};
  Start(options);
  auto client = [this](const std::string& name) {
    auto c = name.empty() ? std::make_unique<httplib::SSLClient>("127.0.0.1", server_->port())
                          : std::make_unique<httplib::SSLClient>(
                                "127.0.0.1", server_->port(), dir_ + "/" + name + ".crt",
                                dir_ + "/" + name + ".key");
    c->set_ca_cert_path((dir_ + "/ca.crt").c_str());
    c->enable_server_certificate_verification(true);
    return c;
  };
  EXPECT_FALSE(client("")->Post("/filter", FilterBody(), "application/json"));
  EXPECT_FALSE(client("other-client")->Post("/filter", FilterBody(), "application/json"));
  EXPECT_EQ(extender_->grants().size(), 0);
  httplib::Result ok = client("client")->Post("/filter", FilterBody(), "application/json");
  ASSERT_TRUE(ok) << httplib::to_string(ok.error());
  EXPECT_THAT(ok->body, HasSubstr("\"NodeNames\":[\"n0\"]"));
  // Plain HTTP to the TLS port gets nothing.
  EXPECT_FALSE(httplib::Client("127.0.0.1", server_->port())
                   .Post("/filter", FilterBody(), "application/json"));
}

TEST_F(ExtenderSecurityTest, UnusableTlsFilesStopTheStart) {
  HttpServerOptions options;
  options.listen = "127.0.0.1:0";
  options.tls = {"/nonexistent/server.crt", "/nonexistent/server.key", ""};
  EXPECT_THAT(ExtenderHttpServer::Start(options, extender_.get(), &metrics_, nullptr).status(),
              gpulet::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                        HasSubstr("/nonexistent/server.crt")));
}

}  // namespace
}  // namespace gpulet::extender

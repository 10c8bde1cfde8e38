// TLS against a real httplib::SSLServer with certificates made by the
// openssl command line (http/testing/test_certificates.h): CA verification, client certificates from files and
// from PEM data, and a kubeconfig that points at them.

#include <httplib.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kube/client.h"
#include "http/testing/test_certificates.h"
#include "kube/testing/temp_dir.h"

namespace gpulet::kube {
namespace {

using ::gpulet::testing::IsOk;
using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    ok_ = http::testing::MakeTestCertificates(dir_->path()).ok();
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  void SetUp() override {
    ASSERT_TRUE(ok_) << ReadAll(dir_->Join("openssl.log"));
    // Requiring a client certificate signed by the test CA.
    server_ = std::make_unique<httplib::SSLServer>(
        dir_->Join("server.crt").c_str(), dir_->Join("server.key").c_str(),
        dir_->Join("ca.crt").c_str());
    ASSERT_TRUE(server_->is_valid());
    server_->Get("/api/v1/nodes/n1", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"kind":"Node","metadata":{"name":"n1"}})", "application/json");
    });
    port_ = server_->bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    for (int i = 0; i < 500 && !server_->is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  void TearDown() override {
    if (server_ != nullptr) server_->stop();
    if (thread_.joinable()) thread_.join();
  }

  ClientConfig Config() const {
    ClientConfig c;
    c.server = "https://127.0.0.1:" + std::to_string(port_);
    c.max_attempts = 1;
    c.request_timeout = absl::Seconds(5);
    return c;
  }
  absl::Status GetNode(const ClientConfig& config) {
    absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(config);
    if (!client.ok()) return client.status();
    return (*client)->GetNode("n1").status();
  }

  static testing::TempDir* dir_;
  static bool ok_;
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
  int port_ = 0;
};

testing::TempDir* TlsTest::dir_ = nullptr;
bool TlsTest::ok_ = false;

TEST_F(TlsTest, CaAndClientCertificateFiles) {
  ClientConfig c = Config();
  c.ca_file = dir_->Join("ca.crt");
  c.client_cert_file = dir_->Join("client.crt");
  c.client_key_file = dir_->Join("client.key");
  EXPECT_THAT(GetNode(c), IsOk());
}

TEST_F(TlsTest, CaAndClientCertificateData) {
  ClientConfig c = Config();
  c.ca_data = ReadAll(dir_->Join("ca.crt"));
  c.client_cert_data = ReadAll(dir_->Join("client.crt"));
  c.client_key_data = ReadAll(dir_->Join("client.key"));
  EXPECT_THAT(GetNode(c), IsOk());
}

TEST_F(TlsTest, UntrustedServerIsRejected) {
  ClientConfig c = Config();
  c.ca_file = dir_->Join("other-ca.crt");
  c.client_cert_file = dir_->Join("client.crt");
  c.client_key_file = dir_->Join("client.key");
  EXPECT_THAT(GetNode(c),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("GET /api/v1/nodes/n1")));

  c.insecure_skip_tls_verify = true;
  EXPECT_THAT(GetNode(c), IsOk());
}

TEST_F(TlsTest, MissingClientCertificateIsRejected) {
  ClientConfig c = Config();
  c.ca_file = dir_->Join("ca.crt");
  EXPECT_THAT(GetNode(c),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("GET /api/v1/nodes/n1")));
}

TEST_F(TlsTest, KubeconfigWithRelativePathsReachesTheServer) {
  std::string kubeconfig =
      "current-context: t\n"
      "clusters: [{name: k, cluster: {server: \"https://127.0.0.1:" + std::to_string(port_) +
      "\", certificate-authority: ca.crt}}]\n"
      "users: [{name: u, user: {client-certificate: client.crt, client-key: client.key}}]\n"
      "contexts: [{name: t, context: {cluster: k, user: u}}]\n";
  std::string file = dir_->Write("kubeconfig", kubeconfig);
  ASSERT_OK_AND_ASSIGN(ClientConfig c, KubeconfigConfig(file));
  c.max_attempts = 1;
  EXPECT_THAT(GetNode(c), IsOk());
}

}  // namespace
}  // namespace gpulet::kube

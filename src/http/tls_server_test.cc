// The HTTP server with TLS, against cpp-httplib's OpenSSL client: client
// certificates from the configured CA are served, anything else is refused
// at the handshake, and a client that stalls the handshake is dropped.
#include <httplib.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http/http_server.h"
#include "http/testing/raw_connection.h"
#include "http/testing/test_certificates.h"
#include "http/tls_context.h"

namespace gpulet::http {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

class TlsServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string pattern = (std::filesystem::temp_directory_path() / "gpulet-tls-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) return;
    dir_ = new std::string(pattern);
    made_ = new absl::Status(testing::MakeTestCertificates(*dir_));
  }
  static void TearDownTestSuite() {
    if (dir_ != nullptr) std::filesystem::remove_all(*dir_);
    delete dir_;
    delete made_;
  }
  static std::string File(const std::string& name) { return *dir_ + "/" + name; }

  void SetUp() override {
    ASSERT_NE(dir_, nullptr);
    ASSERT_OK(*made_);
  }

  std::unique_ptr<HttpServer> Start(const std::string& client_ca,
                                    std::chrono::milliseconds read_timeout = 10s) {
    absl::StatusOr<std::shared_ptr<TlsContext>> tls =
        TlsContext::Create({File("server.crt"), File("server.key"), client_ca});
    EXPECT_OK(tls.status());
    if (!tls.ok()) return nullptr;
    HttpServerOptions options;
    options.tls = *tls;
    options.read_timeout = read_timeout;
    HttpRouter router;
    router.Post("/bind", [](const HttpRequest& request) {
      return HttpResponse{200, "application/json", "bound " + request.body, {}};
    });
    absl::StatusOr<std::unique_ptr<HttpServer>> server =
        HttpServer::Start(std::move(options), std::move(router));
    EXPECT_OK(server.status());
    return server.ok() ? *std::move(server) : nullptr;
  }

  // A client trusting the test CA, presenting `name`.crt when given.
  std::unique_ptr<httplib::SSLClient> Client(int port, const std::string& name) {
    auto client = name.empty()
                      ? std::make_unique<httplib::SSLClient>("127.0.0.1", port)
                      : std::make_unique<httplib::SSLClient>(
                            "127.0.0.1", port, File(name + ".crt"), File(name + ".key"));
    client->set_ca_cert_path(File("ca.crt").c_str());
    client->enable_server_certificate_verification(true);
    client->set_connection_timeout(5);
    client->set_read_timeout(5);
    return client;
  }

  static std::string* dir_;
  static absl::Status* made_;
};

std::string* TlsServerTest::dir_ = nullptr;
absl::Status* TlsServerTest::made_ = nullptr;

TEST_F(TlsServerTest, ServesClientsWithACertificateFromTheCaOnly) {
  std::unique_ptr<HttpServer> server = Start(File("ca.crt"));
  ASSERT_NE(server, nullptr);
  httplib::Result ok = Client(server->port(), "client")->Post("/bind", "p", "text/plain");
  ASSERT_TRUE(ok) << httplib::to_string(ok.error());
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body, "bound p");
  // Keep-alive over TLS: a second request on the same client.
  auto client = Client(server->port(), "client");
  for (int i = 0; i < 3; ++i) {
    httplib::Result again = client->Post("/bind", std::string(100000, 'x'), "text/plain");
    ASSERT_TRUE(again);
    EXPECT_EQ(again->body.size(), 100006u);
  }
  EXPECT_FALSE(Client(server->port(), "")->Post("/bind", "p", "text/plain"));
  EXPECT_FALSE(Client(server->port(), "other-client")->Post("/bind", "p", "text/plain"));
}

TEST_F(TlsServerTest, WithoutAClientCaAnyClientIsServed) {
  std::unique_ptr<HttpServer> server = Start("");
  ASSERT_NE(server, nullptr);
  httplib::Result ok = Client(server->port(), "")->Post("/bind", "q", "text/plain");
  ASSERT_TRUE(ok) << httplib::to_string(ok.error());
  EXPECT_EQ(ok->body, "bound q");
}

TEST_F(TlsServerTest, PlainHttpAndStalledHandshakesAreDropped) {
  std::unique_ptr<HttpServer> server = Start(File("ca.crt"), 200ms);
  ASSERT_NE(server, nullptr);
  {
    testing::RawConnection plain(server->port());
    ASSERT_TRUE(plain.Send("POST /bind HTTP/1.1\r\nContent-Length: 1\r\n\r\np"));
    EXPECT_FALSE(plain.Read().has_value());
  }
  testing::RawConnection stalled(server->port());
  ASSERT_TRUE(stalled.connected());
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(server->connection_count(), 1u);
  for (int i = 0; i < 100 && server->connection_count() > 0; ++i) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(server->connection_count(), 0u);
}

TEST_F(TlsServerTest, UnusableFilesAreReportedByName) {
  EXPECT_THAT(TlsContext::Create({File("missing.crt"), File("server.key"), ""}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("missing.crt")));
  EXPECT_THAT(TlsContext::Create({File("server.crt"), File("client.key"), ""}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("client.key")));
  EXPECT_THAT(TlsContext::Create({File("server.crt"), File("server.key"), File("nope.crt")})
                  .status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("nope.crt")));
  EXPECT_THAT(TlsContext::Create({"", "", ""}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
}

}  // namespace
}  // namespace gpulet::http

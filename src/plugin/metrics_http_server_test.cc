#include "plugin/metrics_http_server.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::plugin {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Sends `request` to 127.0.0.1:`port` and returns everything answered.
std::string Exchange(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
    char buf[4096];
    for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0;) answer.append(buf, n);
  }
  close(fd);
  return answer;
}

class MetricsHttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    metrics_ = std::make_shared<PluginMetrics>();
    metrics_->Add("nvidia.com/gpu", PluginMetrics::Counter::kAllocations, 3);
    absl::StatusOr<std::unique_ptr<Manager>> manager =
        Manager::Create({}, nullptr, nullptr, nullptr, metrics_);
    ASSERT_TRUE(manager.ok()) << manager.status();
    manager_ = *std::move(manager);
    absl::StatusOr<std::unique_ptr<MetricsHttpServer>> server =
        MetricsHttpServer::Start("127.0.0.1:0", manager_.get(), metrics_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  std::shared_ptr<PluginMetrics> metrics_;
  std::unique_ptr<Manager> manager_;
  std::unique_ptr<MetricsHttpServer> server_;
};

TEST_F(MetricsHttpServerTest, ServesMetricsHealthAndNotFound) {
  std::string metrics = Exchange(server_->port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_THAT(metrics, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(metrics, HasSubstr("Content-Type: text/plain; version=0.0.4\r\n"));
  EXPECT_THAT(metrics,
              HasSubstr("gpulet_plugin_allocations_total{resource=\"nvidia.com/gpu\"} 3\n"));
  // Before Run() the Manager is starting: not healthy yet.
  std::string health = Exchange(server_->port(), "GET /healthz HTTP/1.0\r\n\r\n");
  EXPECT_THAT(health, StartsWith("HTTP/1.1 503 Service Unavailable\r\n"));
  EXPECT_THAT(Exchange(server_->port(), "GET /nope HTTP/1.1\r\n\r\n"), StartsWith("HTTP/1.1 404"));
  EXPECT_THAT(Exchange(server_->port(), "POST /metrics HTTP/1.1\r\n\r\n"),
              StartsWith("HTTP/1.1 405"));
  std::string head = Exchange(server_->port(), "HEAD /metrics?x=1 HTTP/1.1\r\n\r\n");
  EXPECT_THAT(head, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(head, ::testing::EndsWith("\r\n\r\n"));
}

TEST(MetricsHttpServerStartTest, RejectsAMalformedAddress) {
  auto metrics = std::make_shared<PluginMetrics>();
  absl::StatusOr<std::unique_ptr<MetricsHttpServer>> server =
      MetricsHttpServer::Start("no-port", nullptr, metrics);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace gpulet::plugin

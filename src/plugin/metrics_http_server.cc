#include "plugin/metrics_http_server.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"
#include "httplib.h"
#include "plugin/metrics_text.h"

namespace gpulet::plugin {

MetricsHttpServer::MetricsHttpServer() : server_(std::make_unique<httplib::Server>()) {}

MetricsHttpServer::~MetricsHttpServer() { Stop(); }

void MetricsHttpServer::Stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const std::string& address, const Manager* manager, std::shared_ptr<PluginMetrics> metrics) {
  size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(AsAbsl(std::string_view(address).substr(colon + 1)), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--metrics-address: \"", address, "\" is not host:port"));
  }
  std::string host = colon == 0 ? "0.0.0.0" : address.substr(0, colon);
  std::unique_ptr<MetricsHttpServer> out(new MetricsHttpServer());
  out->server_->Get("/metrics", [manager, metrics](const httplib::Request&,
                                                   httplib::Response& response) {
    response.set_content(RenderMetrics(manager->ServedResources(), metrics->Counters()),
                         "text/plain; version=0.0.4");
  });
  out->server_->Get("/healthz", [manager](const httplib::Request&, httplib::Response& response) {
    Manager::State state = manager->state();
    bool ok = state == Manager::State::kServing || state == Manager::State::kIdle;
    response.status = ok ? 200 : 503;
    response.set_content(ok ? "ok\n" : "not serving\n", "text/plain");
  });
  out->port_ = port == 0 ? out->server_->bind_to_any_port(host)
                         : (out->server_->bind_to_port(host, port) ? port : -1);
  if (out->port_ < 0) {
    return absl::UnavailableError(absl::StrCat("--metrics-address: cannot listen on ", address));
  }
  httplib::Server* server = out->server_.get();
  out->thread_ = std::thread([server] { server->listen_after_bind(); });
  return out;
}

}  // namespace gpulet::plugin

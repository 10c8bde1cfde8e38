#include "plugin/metrics_http_server.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "http/prometheus_text.h"
#include "plugin/metrics_text.h"

namespace gpulet::plugin {
namespace {

// A scrape or probe sends its request at once; waiting longer only lets an
// idle client hold the single worker's attention.
constexpr std::chrono::seconds kClientTimeout{2};

}  // namespace

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const std::string& address, const Manager* manager, std::shared_ptr<PluginMetrics> metrics) {
  http::HttpRouter router;
  router.Get("/metrics", [manager, metrics](const http::HttpRequest&) {
    return http::HttpResponse{200, http::kPrometheusContentType,
                              RenderMetrics(manager->ServedResources(), metrics->Counters()),
                              {}};
  });
  router.Get("/healthz", [manager](const http::HttpRequest&) {
    Manager::State state = manager->state();
    bool ok = state == Manager::State::kServing || state == Manager::State::kIdle;
    return ok ? http::PlainText(200, "ok\n") : http::PlainText(503, "not serving\n");
  });
  http::HttpServerOptions options;
  options.listen = address;
  options.threads = 1;
  options.keep_alive = false;
  options.max_body_bytes = 4 << 10;
  options.max_head_bytes = 8 << 10;
  options.read_timeout = kClientTimeout;
  options.idle_timeout = kClientTimeout;
  options.max_connections = 64;
  absl::StatusOr<std::unique_ptr<http::HttpServer>> server =
      http::HttpServer::Start(std::move(options), std::move(router));
  if (!server.ok()) {
    return absl::Status(server.status().code(),
                        absl::StrCat("--metrics-address: ", server.status().message()));
  }
  return std::unique_ptr<MetricsHttpServer>(new MetricsHttpServer(*std::move(server)));
}

}  // namespace gpulet::plugin

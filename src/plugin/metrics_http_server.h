// MetricsHttpServer: --metrics-address, serving /metrics (Prometheus text,
// metrics_text.h) and /healthz (200 "ok" while the Manager serves or idles,
// 503 otherwise), GET and HEAD, over gpulet's own HTTP server
// (http/http_server.h).
//
// One worker thread and no keep-alive: every answer closes its connection.
// That is all a Prometheus scrape and a kubelet probe need, and it keeps
// the plugin's footprint small (no HTTP library, no TLS libraries in its
// memory). A client that sends nothing is dropped after two seconds.
//
// Thread-safe; the Manager and metrics must outlive it. Stop() (or the
// destructor) ends the threads.
#ifndef GPULET_PLUGIN_METRICS_HTTP_SERVER_H_
#define GPULET_PLUGIN_METRICS_HTTP_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "http/http_server.h"
#include "plugin/manager.h"
#include "plugin/plugin_metrics.h"

namespace gpulet::plugin {

class MetricsHttpServer {
 public:
  // `address` is "host:port", ":port" (all interfaces) or "[v6]:port";
  // port 0 picks one. InvalidArgument for a malformed address; Unavailable
  // when it cannot bind.
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(
      const std::string& address, const Manager* manager,
      std::shared_ptr<PluginMetrics> metrics);
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  void Stop() { server_->Stop(); }
  int port() const { return server_->port(); }

 private:
  explicit MetricsHttpServer(std::unique_ptr<http::HttpServer> server)
      : server_(std::move(server)) {}

  const std::unique_ptr<http::HttpServer> server_;
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_METRICS_HTTP_SERVER_H_

// MetricsHttpServer: --metrics-address, serving /metrics (Prometheus text,
// metrics_text.h) and /healthz (200 "ok" while the Manager serves or idles,
// 503 otherwise) on its own thread.
//
// A deliberately small HTTP/1.1 server: one connection at a time, GET and
// HEAD only, every response closes the connection. That is all a
// Prometheus scrape and a kubelet probe need, and it keeps an HTTP
// library (and the TLS libraries it loads) out of the plugin's memory. A
// client that sends nothing is dropped after two seconds.
//
// Thread-safe; the Manager and metrics must outlive it. Stop() (or the
// destructor) ends the thread.
#ifndef GPULET_PLUGIN_METRICS_HTTP_SERVER_H_
#define GPULET_PLUGIN_METRICS_HTTP_SERVER_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "plugin/manager.h"
#include "plugin/plugin_metrics.h"

namespace gpulet::plugin {

class MetricsHttpServer {
 public:
  // `address` is "host:port" or ":port" (all interfaces); port 0 picks one.
  // InvalidArgument for a malformed address; Unavailable when it cannot bind.
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(
      const std::string& address, const Manager* manager,
      std::shared_ptr<PluginMetrics> metrics);
  ~MetricsHttpServer();
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  void Stop();
  int port() const { return port_; }

 private:
  MetricsHttpServer(const Manager* manager, std::shared_ptr<PluginMetrics> metrics)
      : manager_(manager), metrics_(std::move(metrics)) {}
  absl::Status Listen(const std::string& host, int port);
  void Serve();
  void Answer(int connection) const;
  // Status line, content type and body for a request line.
  std::string Respond(const std::string& request_line) const;

  const Manager* const manager_;
  const std::shared_ptr<PluginMetrics> metrics_;
  int listen_fd_ = -1;
  int stop_fd_ = -1;  // eventfd: readable once Stop() was called
  int port_ = 0;
  std::thread thread_;
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_METRICS_HTTP_SERVER_H_

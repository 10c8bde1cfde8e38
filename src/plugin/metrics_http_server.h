// MetricsHttpServer: --metrics-address, serving /metrics (Prometheus text,
// metrics_text.h) and /healthz (200 "ok" while the Manager serves or idles,
// 503 otherwise) on its own thread.
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

namespace httplib {
class Server;
}

namespace gpulet::plugin {

class MetricsHttpServer {
 public:
  // `address` is "host:port" or ":port" (all interfaces); port 0 picks one.
  // InvalidArgument for a malformed address; Unavailable when it cannot bind.
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(
      const std::string& address, const Manager* manager,
      std::shared_ptr<PluginMetrics> metrics);
  ~MetricsHttpServer();

  void Stop();
  int port() const { return port_; }

 private:
  MetricsHttpServer();
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_METRICS_HTTP_SERVER_H_

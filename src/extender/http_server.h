// ExtenderHttpServer: the scheduler extender's HTTP endpoints, served by
// gpulet's own HTTP/1.1 server (http/http_server.h; keep-alive, a fixed
// worker pool).
//
//   POST /filter /prioritize /bind   ExtenderArgs / ExtenderBindingArgs in,
//                                    the §3.2 result types out
//   POST /preempt                    answers the victims it was given (no
//                                    preemption logic: a v1 non-goal)
//   GET  /healthz                    200 "ok" while serving
//   GET  /readyz                     200 once `ready()` says the node and
//                                    pod lists have synced, else 503
//   GET  <metrics_path>              Prometheus text
//
// The health and metrics endpoints can also be served on a second address
// (`health_listen`), so that kubelet's probes and Prometheus reach them on
// the pod's IP while the verbs listen on loopback for kube-scheduler alone.
// With `tls` set, the verbs' server speaks TLS and, given a client CA,
// serves only clients with a certificate from it (kube-scheduler's
// extender tlsConfig); the health server stays plain.
//
// Every verb answers HTTP 200 with application/json, and a request-level
// failure (malformed JSON, no pod, unknown node) travels in the body's
// Error field, because kube-scheduler reads any non-200 as a transport
// failure and discards the message. /prioritize has no Error field in its
// wire type: a bad request there gets HTTP 400 with {"Error": "..."}.
// Bodies over 1 MiB get 413 with an Error body, as do the server's other
// refusals (400 malformed HTTP, 404, 405). The verbs are served under both
// "/" and "/v1/" prefixes, so urlPrefix may end in either.
//
// Thread-safe; the extender and metrics must outlive the server.
#ifndef GPULET_EXTENDER_HTTP_SERVER_H_
#define GPULET_EXTENDER_HTTP_SERVER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "extender/extender.h"
#include "extender/extender_metrics.h"
#include "http/http_router.h"
#include "http/http_server.h"
#include "http/tls_context.h"

namespace gpulet::extender {

struct HttpServerOptions {
  // "host:port", ":port" or "[v6]:port"; port 0 picks one.
  std::string listen = "127.0.0.1:8888";
  std::string metrics_path = "/metrics";
  size_t max_body_bytes = 1 << 20;
  int threads = 8;
  // "host:port" of the health-and-metrics-only server; empty: none.
  std::string health_listen;
  // TLS for the verbs' server; an empty cert_file: plain HTTP.
  http::TlsOptions tls;
};

class ExtenderHttpServer {
 public:
  // Binds and starts serving on threads of its own. InvalidArgument for a
  // malformed address; Unavailable when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<ExtenderHttpServer>> Start(
      const HttpServerOptions& options, Extender* extender,
      ExtenderMetrics* metrics, std::function<bool()> ready);
  ~ExtenderHttpServer();
  ExtenderHttpServer(const ExtenderHttpServer&) = delete;
  ExtenderHttpServer& operator=(const ExtenderHttpServer&) = delete;

  // Stops accepting, finishes requests in flight and joins the threads.
  void Stop();
  int port() const { return server_->port(); }
  // The health server's port; 0 without one.
  int health_port() const { return health_ ? health_->port() : 0; }

 private:
  ExtenderHttpServer() = default;
  http::HttpRouter Routes(const HttpServerOptions& options);
  // /healthz, /readyz and the metrics, on either server.
  void AddHealthRoutes(const HttpServerOptions& options, http::HttpRouter& router);
  // Decodes, runs and encodes one verb; false for a request-level failure.
  bool Filter(const std::string& in, std::string& out);
  bool Prioritize(const std::string& in, std::string& out);
  bool Bind(const std::string& in, std::string& out);
  bool Preempt(const std::string& in, std::string& out);

  Extender* extender_ = nullptr;
  ExtenderMetrics* metrics_ = nullptr;
  std::function<bool()> ready_;
  std::unique_ptr<http::HttpServer> server_;
  std::unique_ptr<http::HttpServer> health_;
};

}  // namespace gpulet::extender

#endif  // GPULET_EXTENDER_HTTP_SERVER_H_

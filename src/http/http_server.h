// HttpServer: gpulet's HTTP/1.1 server for the scheduler extender and the
// device plugin's /metrics. Small on purpose: no HTTP library, and TLS
// (optional, with client certificates) through libssl loaded only when a
// server is given a TlsContext, so nothing maps libssl into the node agent.
//
// Threads: `threads` workers all wait on one epoll set. Every socket is
// registered EPOLLONESHOT, so a ready connection wakes exactly one worker,
// which reads what arrived, serves the complete requests in it in order
// (pipelining), writes the answers and re-arms the socket; the listening
// socket is served the same way. A request that has not fully arrived
// within 2 ms goes back to epoll instead of holding a worker, so a slow
// client costs a file descriptor, not a thread. One sweeper thread closes connections idle past
// `idle_timeout` and requests still incomplete after `read_timeout`.
//
// Connections are HTTP/1.1 keep-alive unless the client says
// "Connection: close" or speaks HTTP/1.0 without "keep-alive" (or
// `keep_alive` is off). Accepted sockets get TCP_NODELAY: with Nagle and
// delayed ACKs a small answer otherwise waits tens of milliseconds.
//
// Thread-safe. Handlers run on worker threads, concurrently; the router and
// everything its handlers use must outlive the server.
//
// Example:
//   HttpRouter router;
//   router.Get("/healthz", [](const HttpRequest&) { return HttpResponse{200, "text/plain", "ok\n"}; });
//   ASSIGN_OR_RETURN(std::unique_ptr<HttpServer> server,
//                    HttpServer::Start({.listen = ":8080"}, std::move(router)));
//   ... server->port() ...
//   server->Stop();
#ifndef GPULET_HTTP_HTTP_SERVER_H_
#define GPULET_HTTP_HTTP_SERVER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "http/http_router.h"
#include "http/request_parser.h"
#include "http/tls_context.h"

namespace gpulet::http {

struct HttpServerOptions {
  std::string listen = "127.0.0.1:0";  // see ParseListenAddress; port 0 picks one
  int threads = 4;
  size_t max_body_bytes = 1 << 20;   // larger: 413
  size_t max_head_bytes = 16 << 10;  // larger: 431
  // A started request must arrive completely within this time, and a
  // slow reader must take an answer within it; otherwise the connection
  // is dropped.
  std::chrono::milliseconds read_timeout{10'000};
  // An open connection with no request in progress is closed after this.
  std::chrono::milliseconds idle_timeout{120'000};
  // Connections beyond this are answered 503 and closed.
  int max_connections = 1024;
  // Off: every answer closes its connection.
  bool keep_alive = true;
  // Shapes the bodies of 400/404/405/413/431/500/503 answers.
  ErrorResponder error_responder = PlainTextError;
  // Set: every connection speaks TLS (the handshake counts against
  // read_timeout); null: plain HTTP.
  std::shared_ptr<const TlsContext> tls;
};

class HttpServer {
 public:
  // Binds and starts the threads. InvalidArgument for a malformed `listen`
  // or `threads` < 1; Unavailable when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(HttpServerOptions options,
                                                           HttpRouter router);
  ~HttpServer();  // Stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Stops accepting, lets the requests being handled finish (their answers
  // say "Connection: close"), closes every connection and joins the
  // threads. Idempotent; callable from any thread but a handler's.
  void Stop();

  int port() const { return port_; }
  // Open connections, for tests and metrics.
  size_t connection_count() const;

 private:
  struct Connection;

  HttpServer(HttpServerOptions options, HttpRouter router);
  absl::Status Open();
  void WorkerLoop();
  void SweepLoop();
  void AcceptAll();
  void Serve(uint64_t id);
  // Reads, parses and answers; false when the connection must close.
  bool ServeConnection(Connection& connection);
  bool Answer(Connection& connection, const HttpRequest& request);
  void Refuse(Connection& connection, int status, const std::string& message);
  void Release(Connection* connection, bool keep);
  void CloseLocked(uint64_t id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const HttpServerOptions options_;
  const RequestLimits limits_;
  const HttpRouter router_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd, readable once Stop() begins: wakes every worker
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::once_flag stop_once_;

  mutable std::mutex mu_;
  std::condition_variable sweep_cv_;
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections_ ABSL_GUARDED_BY(mu_);
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 2;  // 0 and 1 are the wake and listen fds

  std::vector<std::thread> workers_;
  std::thread sweeper_;
};

}  // namespace gpulet::http

#endif  // GPULET_HTTP_HTTP_SERVER_H_

#include "http/http_server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/absl_format.h"
#include "base/status_macros.h"
#include "http/connection_io.h"
#include "http/listen_address.h"
#include "http/socket_io.h"
#include "spdlog/spdlog.h"

namespace gpulet::http {
namespace {

using Clock = std::chrono::steady_clock;

constexpr uint64_t kWakeId = 0;
constexpr uint64_t kListenId = 1;
constexpr int kBacklog = 512;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr std::chrono::milliseconds kRestOfRequestWait{2};

bool Arm(int epoll_fd, int op, int fd, uint64_t id, uint32_t events) {
  epoll_event event = {};
  event.events = events;
  event.data.u64 = id;
  return epoll_ctl(epoll_fd, op, fd, &event) == 0;
}

constexpr uint32_t kConnectionEvents = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;

}  // namespace

struct HttpServer::Connection {
  Connection(uint64_t id, int fd, std::unique_ptr<ConnectionIo> io, Clock::time_point now)
      : id(id), fd(fd), io(std::move(io)), idle_since(now), request_started(now) {
    // A TLS handshake is a request in progress: it must finish within the
    // read timeout.
    request_pending = !this->io->handshake_done();
  }
  const uint64_t id;
  const int fd;
  const std::unique_ptr<ConnectionIo> io;
  // Owned by the worker that set `busy`; the fields below it by mu_.
  std::string in;  // received, not yet answered
  bool continue_sent = false;
  bool busy = false;
  bool request_pending = false;  // `in` holds part of a request
  Clock::time_point idle_since;
  Clock::time_point request_started;
};

HttpServer::HttpServer(HttpServerOptions options, HttpRouter router)
    : options_(std::move(options)),
      limits_{options_.max_head_bytes, options_.max_body_bytes},
      router_(std::move(router)) {}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(HttpServerOptions options,
                                                              HttpRouter router) {
  if (options.threads < 1 || options.max_connections < 1) {
    return absl::InvalidArgumentError(absl::StrCat("HTTP server on ", options.listen,
                                                   ": threads and max_connections must be >= 1"));
  }
  std::unique_ptr<HttpServer> server(new HttpServer(std::move(options), std::move(router)));
  RETURN_IF_ERROR(server->Open());
  for (int i = 0; i < server->options_.threads; ++i) {
    server->workers_.emplace_back([raw = server.get()] { raw->WorkerLoop(); });
  }
  server->sweeper_ = std::thread([raw = server.get()] { raw->SweepLoop(); });
  return server;
}

absl::Status HttpServer::Open() {
  ASSIGN_OR_RETURN(ListenAddress address, ParseListenAddress(options_.listen));
  ASSIGN_OR_RETURN(ListeningSocket socket, OpenListeningSocket(address, kBacklog));
  listen_fd_ = socket.fd;
  port_ = socket.port;
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return absl::ErrnoToStatus(errno, "epoll_create1");
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) return absl::ErrnoToStatus(errno, "eventfd");
  // Level-triggered and never read: once written, every worker wakes.
  if (!Arm(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, kWakeId, EPOLLIN) ||
      !Arm(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, kListenId, EPOLLIN | EPOLLONESHOT)) {
    return absl::ErrnoToStatus(errno, "epoll_ctl");
  }
  return absl::OkStatus();
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Stop() {
  std::call_once(stop_once_, [this] {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    sweep_cv_.notify_all();
    if (epoll_fd_ >= 0 && listen_fd_ >= 0) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
    if (wake_fd_ >= 0) {
      uint64_t one = 1;
      // Cannot fail short of 2^64 writes; the eventfd is ours.
      (void)!write(wake_fd_, &one, sizeof(one));
    }
    for (std::thread& worker : workers_) worker.join();
    if (sweeper_.joinable()) sweeper_.join();
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& [id, connection] : connections_) close(connection->fd);
      connections_.clear();
    }
    for (int fd : {listen_fd_, epoll_fd_, wake_fd_}) {
      if (fd >= 0) close(fd);
    }
  });
}

size_t HttpServer::connection_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return connections_.size();
}

void HttpServer::WorkerLoop() {
  while (true) {
    epoll_event event = {};
    int n = epoll_wait(epoll_fd_, &event, 1, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      spdlog::error("HTTP server on port {}: epoll_wait: {}", port_, std::strerror(errno));
      return;
    }
    if (n == 0) continue;
    if (event.data.u64 == kWakeId) return;
    if (event.data.u64 == kListenId) {
      AcceptAll();
    } else {
      Serve(event.data.u64);
    }
  }
}

void HttpServer::AcceptAll() {
  while (true) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        spdlog::warn("HTTP server on port {}: accept: {}; retrying shortly", port_,
                     std::strerror(errno));
        // The backlog stays readable: without a pause every worker would spin on it.
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      break;
    }
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    std::unique_lock<std::mutex> lock(mu_);
    if (stopping_ || connections_.size() >= static_cast<size_t>(options_.max_connections)) {
      lock.unlock();
      if (options_.tls) {  // a plain answer would be noise to a TLS client
        close(fd);
        continue;
      }
      HttpResponse busy = options_.error_responder(
          503, stopping_ ? "the server is stopping" : "too many connections");
      std::string out = SerializeHead(busy, busy.body.size(), true, false) + busy.body;
      // Best effort on a fresh socket whose send buffer is empty.
      (void)!send(fd, out.data(), out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      close(fd);
      continue;
    }
    std::unique_ptr<ConnectionIo> io =
        options_.tls ? options_.tls->Wrap(fd) : PlainConnectionIo(fd);
    if (io == nullptr) {
      spdlog::warn("HTTP server on port {}: cannot start a TLS session", port_);
      close(fd);
      continue;
    }
    uint64_t id = next_id_++;
    connections_.emplace(id, std::make_unique<Connection>(id, fd, std::move(io), Clock::now()));
    if (!Arm(epoll_fd_, EPOLL_CTL_ADD, fd, id, kConnectionEvents)) {
      spdlog::warn("HTTP server on port {}: epoll_ctl: {}", port_, std::strerror(errno));
      CloseLocked(id);
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (!stopping_) Arm(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, kListenId, EPOLLIN | EPOLLONESHOT);
}

void HttpServer::Serve(uint64_t id) {
  Connection* connection = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = connections_.find(id);
    // Gone: the sweeper closed it after epoll reported it.
    if (it == connections_.end() || it->second->busy) return;
    connection = it->second.get();
    connection->busy = true;
  }
  Release(connection, ServeConnection(*connection));
}

bool HttpServer::ServeConnection(Connection& connection) {
  if (!connection.io->handshake_done()) {
    switch (connection.io->ContinueHandshake()) {
      case ConnectionIo::Handshake::kFailed: return false;
      case ConnectionIo::Handshake::kWantRead: return true;
      case ConnectionIo::Handshake::kDone: break;
    }
  }
  Clock::time_point now = Clock::now();
  // Clients write a head and its body separately, so the rest of a started
  // request usually arrives microseconds later; waiting that long here
  // saves a trip through epoll, and the bound keeps a slow client from
  // holding the worker.
  Clock::time_point patience = now + kRestOfRequestWait;
  bool was_empty = connection.in.empty();
  // Room for one whole request and the start of the next.
  size_t max_buffer = limits_.max_head_bytes + 2 * limits_.max_body_bytes + (64 << 10);
  ReadOutcome read = connection.io->ReadAvailable(connection.in, max_buffer);
  if (read.failed) return false;
  if (was_empty && !connection.in.empty()) connection.request_started = now;
  while (!connection.in.empty()) {
    ParsedRequest parsed = ParseRequest(connection.in, limits_);
    if (parsed.progress == ParsedRequest::Progress::kInvalid) {
      Refuse(connection, parsed.error_status, parsed.error);
      return false;
    }
    if (parsed.progress == ParsedRequest::Progress::kIncomplete) {
      if (connection.in.size() >= max_buffer) {
        Refuse(connection, 413, "request framing exceeds the buffer limit");
        return false;
      }
      if (parsed.head_complete && parsed.expects_continue && !connection.continue_sent) {
        connection.continue_sent = true;
        if (!connection.io->WriteAll(kContinue, now + options_.read_timeout)) return false;
      }
      if (read.peer_closed) return false;
      auto left = std::chrono::ceil<std::chrono::milliseconds>(patience - Clock::now());
      if (left.count() <= 0 || !connection.io->WaitReadable(left)) return true;
      read = connection.io->ReadAvailable(connection.in, max_buffer);
      if (read.failed) return false;
      continue;
    }
    connection.in.erase(0, parsed.consumed);
    connection.continue_sent = false;
    // A pipelined next request had arrived by the time this one was read.
    connection.request_started = now;
    if (!Answer(connection, parsed.request)) return false;
  }
  return !read.peer_closed;
}

bool HttpServer::Answer(Connection& connection, const HttpRequest& request) {
  HttpResponse response;
  try {
    response = router_.Dispatch(request, options_.error_responder);
  } catch (const std::exception& e) {
    spdlog::error("HTTP {} {}: handler threw: {}", request.method, request.path, e.what());
    response = options_.error_responder(500, "internal error");
  }
  // Decided after the handler: a Stop() while it ran closes the connection.
  bool keep = options_.keep_alive && request.KeepAlive() && !stopping_;
  std::string out = SerializeHead(response, response.body.size(), !keep,
                                  keep && request.minor_version == 0);
  if (request.method != "HEAD") out += response.body;
  if (!connection.io->WriteAll(out, Clock::now() + options_.read_timeout)) return false;
  return keep;
}

void HttpServer::Refuse(Connection& connection, int status, const std::string& message) {
  spdlog::debug("HTTP server on port {}: refusing a request with {}: {}", port_, status, message);
  HttpResponse response = options_.error_responder(status, message);
  std::string out = SerializeHead(response, response.body.size(), true, false) + response.body;
  Clock::time_point deadline = Clock::now() + options_.read_timeout;
  if (connection.io->WriteAll(out, deadline)) connection.io->DrainBeforeClose(deadline);
}

void HttpServer::Release(Connection* connection, bool keep) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!keep || stopping_) {
    CloseLocked(connection->id);
    return;
  }
  connection->busy = false;
  connection->request_pending = !connection->in.empty() || !connection->io->handshake_done();
  connection->idle_since = Clock::now();
  if (!Arm(epoll_fd_, EPOLL_CTL_MOD, connection->fd, connection->id, kConnectionEvents)) {
    CloseLocked(connection->id);
  }
}

void HttpServer::CloseLocked(uint64_t id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  // close() also takes the socket out of the epoll set.
  close(it->second->fd);
  connections_.erase(it);
}

void HttpServer::SweepLoop() {
  auto shortest = std::min(options_.idle_timeout, options_.read_timeout);
  auto period = std::clamp<std::chrono::milliseconds>(
      shortest / 4, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
  std::unique_lock<std::mutex> lock(mu_);
  while (!sweep_cv_.wait_for(lock, period, [this] { return stopping_.load(); })) {
    Clock::time_point now = Clock::now();
    std::vector<uint64_t> expired;
    for (const auto& [id, connection] : connections_) {
      if (connection->busy) continue;
      bool late = connection->request_pending
                      ? now - connection->request_started > options_.read_timeout
                      : now - connection->idle_since > options_.idle_timeout;
      if (late) expired.push_back(id);
    }
    for (uint64_t id : expired) CloseLocked(id);
  }
}

}  // namespace gpulet::http

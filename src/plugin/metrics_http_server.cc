#include "plugin/metrics_http_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"
#include "plugin/metrics_text.h"

namespace gpulet::plugin {
namespace {

constexpr size_t kMaxRequestHead = 8192;
constexpr int kReadTimeoutMs = 2000;

std::string Response(int code, const char* reason, const char* type, const std::string& body,
                     bool head_only) {
  std::string out = absl::StrCat("HTTP/1.1 ", code, " ", reason, "\r\nContent-Type: ", type,
                                 "\r\nContent-Length: ", body.size(),
                                 "\r\nConnection: close\r\n\r\n");
  if (!head_only) out += body;
  return out;
}

// The request head up to the blank line, or what came before the client
// stopped sending, closed, or overran kMaxRequestHead.
std::string ReadHead(int fd) {
  std::string head;
  char buf[1024];
  while (head.size() < kMaxRequestHead && head.find("\r\n\r\n") == std::string::npos) {
    pollfd pfd = {fd, POLLIN, 0};
    if (poll(&pfd, 1, kReadTimeoutMs) <= 0) break;
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) break;
    head.append(buf, n);
  }
  return head;
}

void WriteAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the client went away; nothing to tell it
    done += n;
  }
}

}  // namespace

MetricsHttpServer::~MetricsHttpServer() {
  Stop();
  if (listen_fd_ >= 0) close(listen_fd_);
  if (stop_fd_ >= 0) close(stop_fd_);
}

void MetricsHttpServer::Stop() {
  if (!thread_.joinable()) return;
  uint64_t one = 1;
  // An eventfd write of 1 cannot fail short of an overflow after 2^64 stops.
  (void)!write(stop_fd_, &one, sizeof(one));
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
  std::unique_ptr<MetricsHttpServer> out(new MetricsHttpServer(manager, std::move(metrics)));
  if (absl::Status s = out->Listen(host, port); !s.ok()) {
    return absl::UnavailableError(
        absl::StrCat("--metrics-address: cannot listen on ", address, ": ", s.message()));
  }
  out->thread_ = std::thread([server = out.get()] { server->Serve(); });
  return out;
}

absl::Status MetricsHttpServer::Listen(const std::string& host, int port) {
  addrinfo hints = {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  if (int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    return absl::InvalidArgumentError(gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(found, freeaddrinfo);
  listen_fd_ = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return absl::ErrnoToStatus(errno, "socket");
  int on = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  if (bind(listen_fd_, found->ai_addr, found->ai_addrlen) != 0) {
    return absl::ErrnoToStatus(errno, "bind");
  }
  if (listen(listen_fd_, 16) != 0) return absl::ErrnoToStatus(errno, "listen");
  sockaddr_storage bound = {};
  socklen_t length = sizeof(bound);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &length);
  port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                            : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  stop_fd_ = eventfd(0, EFD_CLOEXEC);
  if (stop_fd_ < 0) return absl::ErrnoToStatus(errno, "eventfd");
  return absl::OkStatus();
}

void MetricsHttpServer::Serve() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) continue;  // EINTR
    if (fds[1].revents != 0) return;
    int connection = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) continue;
    Answer(connection);
    close(connection);
  }
}

void MetricsHttpServer::Answer(int connection) const {
  std::string head = ReadHead(connection);
  std::string request_line = head.substr(0, head.find("\r\n"));
  WriteAll(connection, Respond(request_line));
}

std::string MetricsHttpServer::Respond(const std::string& request_line) const {
  // "GET /metrics HTTP/1.1"; a query string does not change the answer.
  size_t space = request_line.find(' ');
  std::string method = request_line.substr(0, space);
  std::string path = space == std::string::npos ? "" : request_line.substr(space + 1);
  path = path.substr(0, path.find_first_of(" ?"));
  bool head_only = method == "HEAD";
  if (method != "GET" && !head_only) {
    return Response(405, "Method Not Allowed", "text/plain", "GET or HEAD\n", false);
  }
  if (path == "/metrics") {
    return Response(200, "OK", "text/plain; version=0.0.4",
                    RenderMetrics(manager_->ServedResources(), metrics_->Counters()), head_only);
  }
  if (path == "/healthz") {
    Manager::State state = manager_->state();
    bool ok = state == Manager::State::kServing || state == Manager::State::kIdle;
    return ok ? Response(200, "OK", "text/plain", "ok\n", head_only)
              : Response(503, "Service Unavailable", "text/plain", "not serving\n", head_only);
  }
  return Response(404, "Not Found", "text/plain", "not found\n", head_only);
}

}  // namespace gpulet::plugin

#include "http/listen_address.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"

namespace gpulet::http {
namespace {

absl::Status Malformed(std::string_view address, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("listen address \"", AsAbsl(address), "\" ",
                                                 AsAbsl(why)));
}

}  // namespace

absl::StatusOr<ListenAddress> ParseListenAddress(std::string_view address) {
  size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) return Malformed(address, "is not host:port or :port");
  std::string_view port_text = address.substr(colon + 1);
  if (port_text.empty() || port_text.size() > 5) {
    return Malformed(address, "has no port in 0..65535");
  }
  int port = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9') return Malformed(address, "has no port in 0..65535");
    port = port * 10 + (c - '0');
  }
  if (port > 65535) return Malformed(address, "has no port in 0..65535");
  std::string_view host = address.substr(0, colon);
  if (!host.empty() && host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return Malformed(address, "has an unclosed [");
    host = host.substr(1, host.size() - 2);
  } else if (host.find_first_of(":[]") != std::string_view::npos) {
    return Malformed(address, "needs brackets around an IPv6 host");
  }
  if (host.find_first_of(" \t/") != std::string_view::npos) {
    return Malformed(address, "has a malformed host");
  }
  return ListenAddress{host.empty() ? "0.0.0.0" : std::string(host), port};
}

absl::StatusOr<ListeningSocket> OpenListeningSocket(const ListenAddress& address, int backlog) {
  addrinfo hints = {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string service = std::to_string(address.port);
  if (int rc = getaddrinfo(address.host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("listen host \"", address.host, "\": ", gai_strerror(rc)));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(found, freeaddrinfo);
  int fd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return absl::ErrnoToStatus(errno, "socket");
  int on = 1;
  // A restarted server rebinds while old connections sit in TIME_WAIT.
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  if (bind(fd, found->ai_addr, found->ai_addrlen) != 0 || listen(fd, backlog) != 0) {
    int error = errno;
    close(fd);
    return absl::UnavailableError(absl::StrCat("cannot listen on ", address.host, ":",
                                               address.port, ": ", std::strerror(error)));
  }
  sockaddr_storage bound = {};
  socklen_t length = sizeof(bound);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length) != 0) {
    int error = errno;
    close(fd);
    return absl::ErrnoToStatus(error, "getsockname");
  }
  int port = ntohs(bound.ss_family == AF_INET6
                       ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                       : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  return ListeningSocket{fd, port};
}

}  // namespace gpulet::http

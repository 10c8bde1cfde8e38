#include "metrics_faults.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string_view>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace gpulet::soak {
namespace {

constexpr int kSlowClients = 4;
constexpr auto kTrickleStep = std::chrono::milliseconds(200);
constexpr auto kProbeDeadline = std::chrono::seconds(1);
constexpr std::string_view kSlowRequest =
    "GET /metrics HTTP/1.1\r\nHost: soak\r\nUser-Agent: a-very-slow-scraper\r\n\r\n";

int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

std::optional<std::chrono::milliseconds> MetricsFaults::ProbeHealthz() const {
  Clock::time_point start = Clock::now();
  int fd = Connect(rig_.metrics_port());
  if (fd < 0) return std::nullopt;
  std::string request = "GET /healthz HTTP/1.1\r\nHost: soak\r\nConnection: close\r\n\r\n";
  std::string answer;
  if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
      static_cast<ssize_t>(request.size())) {
    while (!absl::StrContains(answer, "\r\n") && Since(start) < std::chrono::seconds(2)) {
      pollfd p = {.fd = fd, .events = POLLIN, .revents = 0};
      if (poll(&p, 1, 50) <= 0) continue;
      char buffer[256];
      ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
      if (n <= 0) break;
      answer.append(buffer, n);
    }
  }
  close(fd);
  if (!absl::StartsWith(answer, "HTTP/1.1 200")) return std::nullopt;
  return Since(start);
}

void MetricsFaults::InjectOne() {
  if (!Sleep(std::chrono::milliseconds(Uniform(2000, 10000)))) return;
  std::vector<int> slow;
  for (int i = 0; i < kSlowClients; ++i) {
    int fd = Connect(rig_.metrics_port());
    if (fd >= 0) slow.push_back(fd);
  }
  std::chrono::milliseconds worst(0);
  bool answered = !slow.empty();
  size_t sent = 0;
  // One byte per step on every connection, with a probe between steps,
  // for as long as the request lasts.
  for (; sent < kSlowRequest.size() - 2 && !stopping(); ++sent) {
    for (int fd : slow) (void)send(fd, kSlowRequest.data() + sent, 1, MSG_NOSIGNAL);
    std::this_thread::sleep_for(kTrickleStep);
    if (sent % 5 != 0) continue;
    std::optional<std::chrono::milliseconds> took = ProbeHealthz();
    if (!took.has_value() || *took > kProbeDeadline) {
      answered = false;
      rig_.checker().Violate(
          kMetricsBlocked,
          absl::StrCat("/healthz ", took.has_value() ? absl::StrCat(took->count(), " ms")
                                                     : "no answer in 2 s",
                       " with ", slow.size(), " slow clients"));
      break;
    }
    worst = std::max(worst, *took);
  }
  for (int fd : slow) close(fd);
  report_.Record("slow metrics clients", answered, worst);
}

}  // namespace gpulet::soak

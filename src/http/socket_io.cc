#include "http/socket_io.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

namespace gpulet::http {
namespace {

constexpr size_t kReadChunk = 64 << 10;
// A client that read our error answer closes at once; one that sends
// nothing for this long is not going to.
constexpr std::chrono::milliseconds kDrainQuiet{250};

int MillisUntil(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::max<int64_t>(0, left.count()));
}

}  // namespace

ReadOutcome ReadAvailable(int fd, std::string& buffer, size_t max_buffer) {
  ReadOutcome out;
  // Received into the stack and appended: growing `buffer` first would
  // zero-fill a whole chunk on every call.
  char chunk[kReadChunk];
  while (buffer.size() < max_buffer) {
    size_t want = std::min(kReadChunk, max_buffer - buffer.size());
    ssize_t n = recv(fd, chunk, want, 0);
    if (n > 0) {
      buffer.append(chunk, static_cast<size_t>(n));
      if (static_cast<size_t>(n) < want) break;  // drained; skip the EAGAIN call
      continue;
    }
    if (n == 0) {
      out.peer_closed = true;
    } else if (errno == EINTR) {
      continue;
    } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
      out.failed = true;
    }
    break;
  }
  return out;
}

bool WaitReadable(int fd, std::chrono::milliseconds timeout) {
  pollfd pfd = {fd, POLLIN, 0};
  return poll(&pfd, 1, static_cast<int>(timeout.count())) > 0;
}

bool WriteAll(int fd, std::string_view data, std::chrono::steady_clock::time_point deadline) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd pfd = {fd, POLLOUT, 0};
      int ready = poll(&pfd, 1, MillisUntil(deadline));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) return false;
      continue;
    }
    return false;
  }
  return true;
}

void DrainBeforeClose(int fd, std::chrono::steady_clock::time_point deadline) {
  shutdown(fd, SHUT_WR);
  char sink[16 << 10];
  while (true) {
    int wait = std::min<int>(MillisUntil(deadline), static_cast<int>(kDrainQuiet.count()));
    pollfd pfd = {fd, POLLIN, 0};
    int ready = poll(&pfd, 1, wait);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return;
    ssize_t n = recv(fd, sink, sizeof(sink), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
  }
}

}  // namespace gpulet::http

#include "base/signals.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <string>

#include "absl/status/status.h"

namespace gpulet {
namespace {

// poll() takes an int of milliseconds; longer waits are done in slices.
constexpr std::chrono::milliseconds kMaxPollSlice(1 << 30);

}  // namespace

absl::StatusOr<SignalWatcher> SignalWatcher::Open(std::initializer_list<int> signals) {
  sigset_t set;
  sigemptyset(&set);
  for (int signal : signals) {
    if (sigaddset(&set, signal) != 0) {
      return absl::InvalidArgumentError("invalid signal number " + std::to_string(signal));
    }
  }
  sigset_t previous;
  int error = pthread_sigmask(SIG_BLOCK, &set, &previous);
  if (error != 0) return absl::ErrnoToStatus(error, "blocking signals");
  int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (fd < 0) {
    error = errno;
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return absl::ErrnoToStatus(error, "signalfd");
  }
  return SignalWatcher(fd, previous);
}

SignalWatcher::SignalWatcher(SignalWatcher&& other) noexcept
    : fd_(other.fd_), previous_mask_(other.previous_mask_) {
  other.fd_ = -1;
}

SignalWatcher::~SignalWatcher() {
  if (fd_ < 0) return;
  ::close(fd_);
  pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

absl::StatusOr<std::optional<int>> SignalWatcher::Wait(std::chrono::nanoseconds timeout) {
  using std::chrono::steady_clock;
  bool forever = timeout == std::chrono::nanoseconds::max();
  steady_clock::time_point deadline =
      forever ? steady_clock::time_point::max() : steady_clock::now() + timeout;
  while (true) {
    signalfd_siginfo info;
    ssize_t n = ::read(fd_, &info, sizeof(info));
    if (n == sizeof(info)) return static_cast<int>(info.ssi_signo);
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      return absl::ErrnoToStatus(errno, "reading the signalfd");
    }
    auto left = forever ? kMaxPollSlice
                        : std::chrono::ceil<std::chrono::milliseconds>(
                              deadline - steady_clock::now());
    if (!forever && left.count() <= 0) return std::nullopt;
    pollfd pfd = {fd_, POLLIN, 0};
    int ready = ::poll(&pfd, 1, static_cast<int>(std::min(left, kMaxPollSlice).count()));
    if (ready < 0 && errno != EINTR) return absl::ErrnoToStatus(errno, "poll");
  }
}

}  // namespace gpulet

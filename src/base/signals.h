// SignalWatcher: receives process signals (SIGTERM, SIGINT, SIGHUP, ...) as
// events a loop can wait for, with a timeout, instead of handlers that
// interrupt arbitrary code. The feature discovery loop sleeps in Wait() so a
// SIGTERM ends the sleep at once; the device plugin waits for SIGHUP the
// same way.
//
// Built on signalfd: Open() blocks the signals in the calling thread, and
// threads created afterwards inherit the mask, so create it in main()
// before starting any thread (a thread that unblocks them would take the
// signals away from the watcher). The destructor restores the previous mask.
//
// Not thread-safe: one thread calls Wait(). Move-only.
//
// Example:
//   ASSIGN_OR_RETURN(SignalWatcher signals,
//                    SignalWatcher::Open({SIGTERM, SIGINT, SIGHUP}));
//   ASSIGN_OR_RETURN(std::optional<int> signal, signals.Wait(60s));
//   if (signal == SIGHUP) Reload();
#ifndef GPULET_BASE_SIGNALS_H_
#define GPULET_BASE_SIGNALS_H_

#include <signal.h>

#include <chrono>
#include <initializer_list>
#include <optional>

#include "absl/status/statusor.h"

namespace gpulet {

class SignalWatcher {
 public:
  // Blocks `signals` in the calling thread and opens a signalfd for them.
  // Internal naming errno when the kernel refuses; InvalidArgument for an
  // invalid signal number.
  static absl::StatusOr<SignalWatcher> Open(std::initializer_list<int> signals);

  SignalWatcher(SignalWatcher&& other) noexcept;
  SignalWatcher& operator=(SignalWatcher&&) = delete;
  SignalWatcher(const SignalWatcher&) = delete;
  ~SignalWatcher();

  // Waits until one of the signals arrives (returns its number; one
  // pending signal is consumed per call) or `timeout` passes (nullopt).
  // nanoseconds::max() waits forever. Internal naming errno on failure.
  absl::StatusOr<std::optional<int>> Wait(std::chrono::nanoseconds timeout);

  // The signalfd, for a loop that polls it together with other fds; once
  // it is readable, Wait(0) takes the signal without blocking.
  int fd() const { return fd_; }

 private:
  SignalWatcher(int fd, sigset_t previous_mask) : fd_(fd), previous_mask_(previous_mask) {}

  int fd_;
  sigset_t previous_mask_;
};

}  // namespace gpulet

#endif  // GPULET_BASE_SIGNALS_H_

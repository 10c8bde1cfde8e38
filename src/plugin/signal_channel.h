// SignalChannel: SIGTERM, SIGINT, SIGQUIT and SIGHUP delivered as reads
// from a signalfd instead of asynchronous handlers, so that the Manager
// handles them on its own thread like any other event.
//
// Create() blocks those signals in the calling thread; threads started
// after it inherit the mask, so it must run on the main thread before any
// other thread (gRPC's included) exists.
//
// Not thread-safe: owned by the thread that polls it.
#ifndef GPULET_PLUGIN_SIGNAL_CHANNEL_H_
#define GPULET_PLUGIN_SIGNAL_CHANNEL_H_

#include <memory>
#include <optional>

#include "absl/status/statusor.h"
#include "plugin/manager_events.h"

namespace gpulet::plugin {

class SignalChannel {
 public:
  // Unavailable when the signalfd cannot be made.
  static absl::StatusOr<std::unique_ptr<SignalChannel>> Create();
  ~SignalChannel();  // Closes the fd; the signals stay blocked.
  SignalChannel(const SignalChannel&) = delete;
  SignalChannel& operator=(const SignalChannel&) = delete;

  int fd() const { return fd_; }

  // The events for the signals received since the last call: kReload for
  // SIGHUP, kStop for the others.
  std::vector<ManagerEvent> Drain();

 private:
  explicit SignalChannel(int fd) : fd_(fd) {}
  const int fd_;
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_SIGNAL_CHANNEL_H_

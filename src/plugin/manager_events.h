// ManagerEvents: the queue of things the Manager reacts to — kubelet
// restarts, a deleted plugin socket, SIGHUP, health changes, stop — posted
// from any thread and consumed by the Manager's thread.
//
// Post() never blocks on the consumer (a health callback posts from the
// health thread). Events of the same kind and resource are merged: ten
// health changes while the Manager is busy are one, since it reads the
// latest health anyway. The queue has an eventfd that is readable while
// events are pending, so the Manager can poll it together with inotify and
// signal descriptors.
//
// Thread-safe.
#ifndef GPULET_PLUGIN_MANAGER_EVENTS_H_
#define GPULET_PLUGIN_MANAGER_EVENTS_H_

#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"

namespace gpulet::plugin {

struct ManagerEvent {
  enum class Kind {
    kKubeletRestarted,  // kubelet.sock was created
    kSocketDeleted,     // one of our sockets was removed; `socket` names it
    kReload,            // SIGHUP: re-read the config
    kRescan,            // rebuild the inventory now (MIG layout may differ)
    kHealthChanged,     // a new health snapshot was published
    kStop,              // SIGTERM/SIGINT
  };
  Kind kind;
  std::string socket;  // file name, for kSocketDeleted

  friend bool operator==(const ManagerEvent&, const ManagerEvent&) = default;
};

class ManagerEvents {
 public:
  // Unavailable when no eventfd can be made (out of descriptors).
  static absl::StatusOr<std::unique_ptr<ManagerEvents>> Create();
  ~ManagerEvents();
  ManagerEvents(const ManagerEvents&) = delete;
  ManagerEvents& operator=(const ManagerEvents&) = delete;

  void Post(ManagerEvent event) ABSL_LOCKS_EXCLUDED(mu_);
  // The oldest pending event, or nullopt when none is pending.
  std::optional<ManagerEvent> Pop() ABSL_LOCKS_EXCLUDED(mu_);

  // Readable while events are pending; for poll().
  int fd() const { return fd_; }

 private:
  explicit ManagerEvents(int fd) : fd_(fd) {}

  const int fd_;
  std::mutex mu_;
  std::deque<ManagerEvent> pending_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_MANAGER_EVENTS_H_

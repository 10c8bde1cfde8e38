// SocketDirWatcher: watches the kubelet's device plugin directory with
// inotify and turns what happens there into ManagerEvents:
//
//   kubelet.sock created (the kubelet (re)started)  → kKubeletRestarted
//   one of our sockets deleted (by the kubelet or an operator) → kSocketDeleted
//   the directory itself removed or renamed → kKubeletRestarted, lost()
//
// The kubelet removes every socket in the directory when it starts, so a
// kubelet restart usually shows up as both; the Manager handles that.
//
// Not thread-safe: owned and drained by the Manager's thread, which polls
// fd() and calls Drain() when it is readable.
#ifndef GPULET_PLUGIN_SOCKET_DIR_WATCHER_H_
#define GPULET_PLUGIN_SOCKET_DIR_WATCHER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "plugin/manager_events.h"

namespace gpulet::plugin {

class SocketDirWatcher {
 public:
  // Watches `dir` for kubelet socket `kubelet_socket_name` (a file name).
  // NotFound when `dir` does not exist; Unavailable for other inotify errors.
  static absl::StatusOr<std::unique_ptr<SocketDirWatcher>> Create(
      const std::string& dir, std::string kubelet_socket_name);
  ~SocketDirWatcher();
  SocketDirWatcher(const SocketDirWatcher&) = delete;
  SocketDirWatcher& operator=(const SocketDirWatcher&) = delete;

  int fd() const { return fd_; }

  // Reads every pending inotify event and returns the ones that matter.
  // Sockets whose names do not start with "nvidia-" are not ours and are
  // ignored. A queue overflow is reported as a kubelet restart, which makes
  // the Manager re-check everything.
  std::vector<ManagerEvent> Drain();

  // Whether the directory was removed or renamed: this watcher sees nothing
  // more, and one for the path as it is now must take its place. Drain
  // reports that once as a kubelet restart.
  bool lost() const { return lost_; }

 private:
  SocketDirWatcher(int fd, std::string kubelet_socket_name)
      : fd_(fd), kubelet_socket_name_(std::move(kubelet_socket_name)) {}

  const int fd_;
  const std::string kubelet_socket_name_;
  bool lost_ = false;
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_SOCKET_DIR_WATCHER_H_

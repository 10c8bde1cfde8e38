#include "plugin/socket_dir_watcher.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace gpulet::plugin {

absl::StatusOr<std::unique_ptr<SocketDirWatcher>> SocketDirWatcher::Create(
    const std::string& dir, std::string kubelet_socket_name) {
  int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat("inotify_init1: ", std::strerror(errno)));
  }
  // IN_MOVED_* too: a socket is never renamed into place by the kubelet,
  // but an operator's tooling might.
  // *_SELF: the directory itself removed or renamed ends the watch.
  uint32_t mask = IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE_SELF |
                  IN_MOVE_SELF | IN_ONLYDIR;
  if (inotify_add_watch(fd, dir.c_str(), mask) < 0) {
    int error = errno;
    close(fd);
    std::string message = absl::StrCat("watching ", dir, ": ", std::strerror(error));
    if (error == ENOENT || error == ENOTDIR) return absl::NotFoundError(message);
    return absl::UnavailableError(message);
  }
  return std::unique_ptr<SocketDirWatcher>(
      new SocketDirWatcher(fd, std::move(kubelet_socket_name)));
}

SocketDirWatcher::~SocketDirWatcher() { close(fd_); }

std::vector<ManagerEvent> SocketDirWatcher::Drain() {
  std::vector<ManagerEvent> out;
  alignas(inotify_event) char buffer[4096];
  for (;;) {
    ssize_t n = read(fd_, buffer, sizeof(buffer));
    if (n <= 0) break;
    for (char* p = buffer; p < buffer + n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(p);
      p += sizeof(inotify_event) + event->len;
      if (event->mask & IN_Q_OVERFLOW) {
        out.push_back({ManagerEvent::Kind::kKubeletRestarted, ""});
        continue;
      }
      if (event->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
        // Whatever is made at the path next is not watched by this fd.
        if (!lost_) out.push_back({ManagerEvent::Kind::kKubeletRestarted, ""});
        lost_ = true;
        continue;
      }
      if (event->len == 0) continue;
      std::string name(event->name);
      bool created = event->mask & (IN_CREATE | IN_MOVED_TO);
      if (name == kubelet_socket_name_) {
        if (created) out.push_back({ManagerEvent::Kind::kKubeletRestarted, ""});
      } else if (!created && name.starts_with("nvidia-")) {
        out.push_back({ManagerEvent::Kind::kSocketDeleted, name});
      }
    }
  }
  return out;
}

}  // namespace gpulet::plugin

#include "plugin/manager_events.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace gpulet::plugin {

absl::StatusOr<std::unique_ptr<ManagerEvents>> ManagerEvents::Create() {
  int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat("eventfd: ", std::strerror(errno)));
  }
  return std::unique_ptr<ManagerEvents>(new ManagerEvents(fd));
}

ManagerEvents::~ManagerEvents() { close(fd_); }

void ManagerEvents::Post(ManagerEvent event) {
  std::unique_lock<std::mutex> lock(mu_);
  if (std::find(pending_.begin(), pending_.end(), event) != pending_.end()) return;
  pending_.push_back(std::move(event));
  uint64_t one = 1;
  // Only fails when the counter would overflow, i.e. it is readable anyway.
  (void)!write(fd_, &one, sizeof(one));
}

std::optional<ManagerEvent> ManagerEvents::Pop() {
  std::unique_lock<std::mutex> lock(mu_);
  if (pending_.empty()) return std::nullopt;
  ManagerEvent event = std::move(pending_.front());
  pending_.pop_front();
  if (pending_.empty()) {
    uint64_t count;
    // Resets the counter; EAGAIN when it already was zero is fine.
    (void)!read(fd_, &count, sizeof(count));
  }
  return event;
}

}  // namespace gpulet::plugin

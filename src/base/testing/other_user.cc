#include "base/testing/other_user.h"

#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"

namespace gpulet::testing {
namespace {
// Exit code of a child that could not drop privileges; 255 is not a value a
// body returns by convention.
constexpr int kCannotDrop = 255;
}  // namespace

bool CanRunAsOtherUser() { return ::geteuid() == 0; }

absl::StatusOr<int> RunAsNobody(const std::function<int()>& body) {
  pid_t pid = ::fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    if (::setgroups(0, nullptr) != 0 || ::setgid(kNobodyGid) != 0 ||
        ::setuid(kNobodyUid) != 0) {
      ::_exit(kCannotDrop);
    }
    ::_exit(body());
  }
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0) {
    if (errno != EINTR) return absl::InternalError("waitpid failed");
  }
  if (!WIFEXITED(wstatus)) {
    return absl::InternalError(
        absl::StrCat("child ", pid, " ended by signal ", WTERMSIG(wstatus)));
  }
  if (WEXITSTATUS(wstatus) == kCannotDrop) {
    return absl::FailedPreconditionError("could not switch to uid nobody");
  }
  return WEXITSTATUS(wstatus);
}

}  // namespace gpulet::testing

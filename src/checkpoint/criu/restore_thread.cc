#include "checkpoint/criu/restore_thread.h"

#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>

namespace gpulet::checkpoint::criu {
namespace {

std::string Failure(const char* what, pid_t tid) {
  return std::string(what) + " of restore thread " + std::to_string(tid) + ": " +
         std::strerror(errno);
}

long Ptrace(int request, pid_t tid, uintptr_t addr, void* data) {
  return ptrace(static_cast<__ptrace_request>(request), tid, reinterpret_cast<void*>(addr), data);
}

}  // namespace

RestoreThreadPause::~RestoreThreadPause() { StopAll(); }

bool RestoreThreadPause::Resume(pid_t tid, std::string* error) {
  uint64_t saved = 0;
  // ESRCH: not our tracee (or not stopped): nothing to resume.
  if (Ptrace(PTRACE_GETSIGMASK, tid, sizeof(saved), &saved) != 0) return true;
  uint64_t only_trap = ~(uint64_t{1} << (SIGTRAP - 1));
  if (Ptrace(PTRACE_SETSIGMASK, tid, sizeof(only_trap), &only_trap) != 0 ||
      Ptrace(PTRACE_SETOPTIONS, tid, 0, nullptr) != 0) {
    *error = Failure("preparing resume", tid);
    return false;
  }
  if (Ptrace(PTRACE_CONT, tid, 0, nullptr) != 0) {
    *error = Failure("resume", tid);
    Ptrace(PTRACE_SETSIGMASK, tid, sizeof(saved), &saved);
    return false;
  }
  threads_.push_back({tid, saved});
  return true;
}

std::vector<std::string> RestoreThreadPause::StopAll() {
  std::vector<std::string> errors;
  for (Resumed& t : threads_) {
    if (Ptrace(PTRACE_INTERRUPT, t.tid, 0, nullptr) != 0) {
      errors.push_back(Failure("interrupt", t.tid));
      continue;
    }
    int status = 0;
    while (waitpid(t.tid, &status, __WALL) < 0 && errno == EINTR) {
    }
    uintptr_t options = PTRACE_O_SUSPEND_SECCOMP | PTRACE_O_TRACESYSGOOD;
    if (Ptrace(PTRACE_SETOPTIONS, t.tid, 0, reinterpret_cast<void*>(options)) != 0 ||
        Ptrace(PTRACE_SETSIGMASK, t.tid, sizeof(t.sigmask), &t.sigmask) != 0) {
      errors.push_back(Failure("re-stopping", t.tid));
    }
  }
  threads_.clear();
  return errors;
}

}  // namespace gpulet::checkpoint::criu

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

// The ptrace options CRIU traces with, and the thread's own signal mask.
bool SetCriusTracerState(pid_t tid, uint64_t sigmask) {
  uintptr_t options = PTRACE_O_SUSPEND_SECCOMP | PTRACE_O_TRACESYSGOOD;
  return Ptrace(PTRACE_SETOPTIONS, tid, 0, reinterpret_cast<void*>(options)) == 0 &&
         Ptrace(PTRACE_SETSIGMASK, tid, sizeof(sigmask), &sigmask) == 0;
}

}  // namespace

RestoreThreadPause::~RestoreThreadPause() { StopAll(); }

bool RestoreThreadPause::Resume(pid_t tid, std::string* error) {
  uint64_t saved = 0;
  // ESRCH: not our tracee (or not stopped): nothing to resume.
  if (Ptrace(PTRACE_GETSIGMASK, tid, sizeof(saved), &saved) != 0) return true;
  uint64_t only_trap = ~(uint64_t{1} << (SIGTRAP - 1));
  const char* step = nullptr;
  if (Ptrace(PTRACE_SETSIGMASK, tid, sizeof(only_trap), &only_trap) != 0 ||
      Ptrace(PTRACE_SETOPTIONS, tid, 0, nullptr) != 0) {
    step = "preparing resume";
  } else if (Ptrace(PTRACE_CONT, tid, 0, nullptr) != 0) {
    step = "resume";
  }
  if (step != nullptr) {
    *error = Failure(step, tid);
    // Still stopped: leave it as CRIU set it up.
    SetCriusTracerState(tid, saved);
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
    if (!SetCriusTracerState(t.tid, t.sigmask)) {
      errors.push_back(Failure("re-stopping", t.tid));
    }
  }
  threads_.clear();
  return errors;
}

}  // namespace gpulet::checkpoint::criu

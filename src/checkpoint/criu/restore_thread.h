// RestoreThreadPause: lets the CUDA restore thread of a task that CRIU has
// seized run while cuda-checkpoint checkpoints or restores it, then stops
// it again as CRIU left it.
//
// While seized every thread of the task is ptrace-stopped, but the tool
// needs the restore thread to act. For each thread: save its signal mask,
// block every signal but SIGTRAP, clear the ptrace options and continue
// it; afterwards interrupt it, wait for the stop and restore the options
// CRIU uses (PTRACE_O_SUSPEND_SECCOMP | PTRACE_O_TRACESYSGOOD) and the
// mask.
//
// ptrace requests must come from the tracer, CRIU's main thread, so this
// class is used only on the thread that called the hook; the tool calls in
// between may run on other threads. A thread that is not traced by the
// caller (the plugin outside CRIU, or a task CRIU already released) is left
// alone. Not thread-safe.
#ifndef GPULET_CHECKPOINT_CRIU_RESTORE_THREAD_H_
#define GPULET_CHECKPOINT_CRIU_RESTORE_THREAD_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gpulet::checkpoint::criu {

class RestoreThreadPause {
 public:
  RestoreThreadPause() = default;
  // Re-stops every thread still resumed.
  ~RestoreThreadPause();
  RestoreThreadPause(const RestoreThreadPause&) = delete;
  RestoreThreadPause& operator=(const RestoreThreadPause&) = delete;

  // Resumes `tid` if the caller traces it. False, with `*error` set, only
  // when it is traced but could not be resumed.
  bool Resume(pid_t tid, std::string* error);

  // Stops every resumed thread again; returns the errors, one per thread.
  std::vector<std::string> StopAll();

  size_t resumed() const { return threads_.size(); }

 private:
  struct Resumed {
    pid_t tid;
    uint64_t sigmask;
  };
  std::vector<Resumed> threads_;
};

}  // namespace gpulet::checkpoint::criu

#endif  // GPULET_CHECKPOINT_CRIU_RESTORE_THREAD_H_

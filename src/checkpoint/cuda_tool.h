// CudaTool: NVIDIA's `cuda-checkpoint` command line, one method per call,
// with the exact argv the CRIU plugin contract uses:
//
//   cuda-checkpoint -h                                    (needs "--action")
//   cuda-checkpoint --get-restore-tid --pid <pid>
//   cuda-checkpoint --get-state --pid <restore tid>
//   cuda-checkpoint --action lock --pid <pid> --timeout <ms>
//   cuda-checkpoint --action checkpoint|restore|unlock --pid <pid>
//
// Errors quote the tool's first output line. Immutable; thread-safe (every
// call is its own child process).
#ifndef GPULET_CHECKPOINT_CUDA_TOOL_H_
#define GPULET_CHECKPOINT_CUDA_TOOL_H_

#include <sys/types.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "checkpoint/cuda_state.h"
#include "checkpoint/plain_status.h"
#include "checkpoint/tool_runner.h"

namespace gpulet::checkpoint {

// How long each kind of call may run before the tool is killed. Lock's own
// limit is passed to the tool; `query` is added to it as a grace period.
struct CudaToolTimeouts {
  std::chrono::milliseconds query = std::chrono::seconds(30);
  // Checkpoint and restore copy all of a process's GPU memory.
  std::chrono::milliseconds action = std::chrono::minutes(10);
};

class CudaTool {
 public:
  // `path` is what gpulet execs (an agent path).
  explicit CudaTool(std::string path, CudaToolTimeouts timeouts = {});

  const std::string& path() const { return path_; }

  // Runs `-h`. FailedPrecondition naming the path when it cannot run or
  // fails; FailedPrecondition "driver older than r555" when the help lacks
  // `--action`.
  PlainStatus ProbeActionInterface() const;

  // The TID of `pid`'s CUDA restore thread. NotFound when the tool says
  // `pid` is not a CUDA process (any non-zero exit: the tool's way).
  PlainStatus GetRestoreTid(pid_t pid, pid_t* restore_tid) const;

  // The state of the process whose restore thread is `restore_tid`.
  // Internal quoting the output when it is not a state.
  PlainStatus GetState(pid_t restore_tid, CudaState* state) const;

  // DeadlineExceeded when the lock did not finish within `timeout`.
  PlainStatus Lock(pid_t pid, std::chrono::milliseconds timeout) const;
  PlainStatus Checkpoint(pid_t pid) const;
  PlainStatus Restore(pid_t pid) const;
  PlainStatus Unlock(pid_t pid) const;

  // The argv of `--action <action> --pid <pid>` (without the timeout).
  std::vector<std::string> ActionArgv(std::string_view action, pid_t pid) const;

 private:
  // Runs `<tool> --<query> --pid <pid>`.
  PlainStatus RunQuery(std::string_view query, pid_t pid, ToolRun* run) const;
  // "cuda-checkpoint --<query> --pid <pid>", for messages.
  static std::string QueryText(std::string_view query, pid_t pid);
  PlainStatus RunAction(std::string_view action, pid_t pid,
                        std::vector<std::string> argv,
                        std::chrono::milliseconds limit, ToolRun* run) const;

  std::string path_;
  CudaToolTimeouts timeouts_;
};

}  // namespace gpulet::checkpoint

#endif  // GPULET_CHECKPOINT_CUDA_TOOL_H_

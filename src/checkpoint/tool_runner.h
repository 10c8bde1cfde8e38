// RunTool: runs an external program with its output captured and a time
// limit, as the cuda-checkpoint calls need.
//
// The child gets /dev/null as stdin, one pipe as stdout and stderr, and no
// other descriptor of ours (CRIU holds image and socket fds that must not
// leak into the tool). It is started with posix_spawn, which is safe from a
// multi-threaded process, unlike fork() followed by allocation.
//
// Thread-safe: concurrent calls run concurrent children. Standard library
// only (the CRIU plugin links it).
#ifndef GPULET_CHECKPOINT_TOOL_RUNNER_H_
#define GPULET_CHECKPOINT_TOOL_RUNNER_H_

#include <chrono>
#include <string>
#include <vector>

#include "checkpoint/plain_status.h"

namespace gpulet::checkpoint {

struct ToolRun {
  // The exit status; -1 when the child was killed by a signal.
  int exit_code = -1;
  // The signal that ended it, or 0.
  int term_signal = 0;
  // True when the time limit passed and the child was killed.
  bool timed_out = false;
  // Its stdout and stderr, interleaved, at most kMaxToolOutput bytes.
  std::string output;
  // How long it ran.
  std::chrono::steady_clock::duration elapsed{};
};

inline constexpr size_t kMaxToolOutput = 64 * 1024;

// Runs argv[0] (a path, not searched in PATH) with `argv`. `timeout` zero
// means no limit; past it the child is sent SIGKILL and reaped. Returns an
// error only when the child could not be started or watched (NotFound when
// argv[0] does not exist, Internal otherwise, naming it); a non-zero exit is
// a successful run with `exit_code` set.
PlainStatus RunTool(const std::vector<std::string>& argv,
                    std::chrono::milliseconds timeout, ToolRun* run);

}  // namespace gpulet::checkpoint

#endif  // GPULET_CHECKPOINT_TOOL_RUNNER_H_

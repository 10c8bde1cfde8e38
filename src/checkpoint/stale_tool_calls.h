// StaleToolCalls: cuda-checkpoint calls still running on the node for
// processes gpulet is about to resume, left by a `gpulet checkpoint
// suspend` (or CRIU) that was killed while they ran.
//
// Such a call keeps going without its caller: a checkpoint that ends after
// the resume leaves the process checkpointed although the resume said it
// runs. So the resume first waits for them to end, then sends SIGKILL to
// those still running (what the caller would have done at its timeout),
// and waits a moment for them to go.
//
// Calls are found in the host's /proc through a HostReader (argv[0] named
// cuda-checkpoint, "--pid <target>"); signals go to the same PIDs, which
// holds because gpulet runs in the host's PID namespace, as the tool's
// --pid needs anyway.
//
// Thread-compatible: one caller at a time. Standard library only.
#ifndef GPULET_CHECKPOINT_STALE_TOOL_CALLS_H_
#define GPULET_CHECKPOINT_STALE_TOOL_CALLS_H_

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checkpoint/host_reader.h"

namespace gpulet::checkpoint {

// One cuda-checkpoint process and what it acts on.
struct ToolCall {
  pid_t pid = 0;        // the cuda-checkpoint process
  pid_t target = 0;     // its --pid
  std::string command;  // its argv joined by spaces, for the operator
};

// The tool call a /proc/PID/cmdline (NUL-separated argv) describes, with
// `pid` as its process; nullopt when it is not a cuda-checkpoint call with
// a numeric --pid.
std::optional<ToolCall> ParseToolCall(pid_t pid, std::string_view cmdline);

// What StopStaleToolCalls did.
struct StaleCallsOutcome {
  std::vector<ToolCall> ended;   // ended by themselves while waited for
  std::vector<ToolCall> killed;  // sent SIGKILL, then gone
  std::vector<ToolCall> left;    // still running after SIGKILL (stuck in the kernel)
};

class StaleToolCalls {
 public:
  // `reader` must outlive this object.
  explicit StaleToolCalls(const HostReader& reader) : reader_(reader) {}

  // The calls running now on one of `targets`, in PID order.
  std::vector<ToolCall> Find(const std::vector<pid_t>& targets) const;

  // Waits up to `wait` for the calls on `targets` to end, kills those that
  // have not, and waits up to `grace` for them to go.
  StaleCallsOutcome Stop(const std::vector<pid_t>& targets, std::chrono::milliseconds wait,
                         std::chrono::milliseconds grace) const;

 private:
  // Whether `call` still runs: its process exists and its cmdline (empty
  // once it is a zombie) still names the call.
  bool Running(const ToolCall& call) const;
  // The calls of `calls` that still run, polled until none do or `limit`.
  std::vector<ToolCall> WaitForEnd(std::vector<ToolCall> calls,
                                   std::chrono::milliseconds limit) const;

  const HostReader& reader_;
};

}  // namespace gpulet::checkpoint

#endif  // GPULET_CHECKPOINT_STALE_TOOL_CALLS_H_

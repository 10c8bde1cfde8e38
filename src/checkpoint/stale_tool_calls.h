// StaleToolCalls: cuda-checkpoint calls still running on the node for
// processes gpulet is about to resume, left by a `gpulet checkpoint
// suspend` (or CRIU) that was killed while they ran.
//
// Such a call keeps going without its caller: a checkpoint that ends after
// the resume leaves the process checkpointed although the resume said it
// runs. So the resume first waits for them to end. A lock, unlock or query
// still running then is killed (the process is then found locked at worst,
// which the resume undoes); a checkpoint or restore is not, since it may be
// copying GPU memory: the resume refuses and names it instead.
//
// A call whose parent is a live gpulet or criu belongs to a run that is
// still going; it is reported as such, never waited for or killed.
//
// Calls are found in the host's /proc through a HostReader (argv[0] named
// cuda-checkpoint or as the tool gpulet runs, "--pid <target>"); signals go
// to the same PIDs, which holds because gpulet runs in the host's PID
// namespace, as the tool's --pid needs anyway.
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
  std::string action;   // its --action ("lock", "checkpoint", ...); "" for a query
  std::string command;  // its argv joined by spaces, for the operator
  pid_t parent = 0;     // from /proc/PID/stat; 0 when unknown
};

// The tool call a /proc/PID/cmdline (NUL-separated argv) describes, with
// `pid` as its process; nullopt when its program is not named
// `tool_name` (or cuda-checkpoint) or it has no numeric --pid.
std::optional<ToolCall> ParseToolCall(pid_t pid, std::string_view cmdline,
                                      std::string_view tool_name = "cuda-checkpoint");

// What StopStaleToolCalls did.
struct StaleCallsOutcome {
  std::vector<ToolCall> ended;   // ended by themselves while waited for
  std::vector<ToolCall> killed;  // sent SIGKILL, then gone
  std::vector<ToolCall> left;    // still running after SIGKILL (stuck in the kernel)
  std::vector<ToolCall> busy;    // checkpoint or restore still running after the wait
  std::vector<ToolCall> owned;   // calls of a gpulet or criu that still runs

  // Whether the processes may be resumed now.
  bool clear() const { return left.empty() && busy.empty() && owned.empty(); }
};

class StaleToolCalls {
 public:
  // `reader` must outlive this object. `tool_path`: the tool as gpulet
  // runs it, whose file name counts besides cuda-checkpoint.
  StaleToolCalls(const HostReader& reader, std::string_view tool_path);

  // The calls running now on one of `targets`, in PID order.
  std::vector<ToolCall> Find(const std::vector<pid_t>& targets) const;

  // Waits up to `wait` for the calls on `targets` to end, kills the
  // lock, unlock and query calls that have not, and waits up to `grace`
  // for those to go. Touches nothing when a live run owns a call.
  StaleCallsOutcome Stop(const std::vector<pid_t>& targets, std::chrono::milliseconds wait,
                         std::chrono::milliseconds grace) const;

 private:
  // Whether `call`'s parent is a gpulet or criu process that still runs.
  bool OwnedByALiveRun(const ToolCall& call) const;
  // Whether `call` still runs: its process exists and its cmdline (empty
  // once it is a zombie) still names the call.
  bool Running(const ToolCall& call) const;
  // The calls of `calls` that still run, polled until none do or `limit`.
  std::vector<ToolCall> WaitForEnd(std::vector<ToolCall> calls,
                                   std::chrono::milliseconds limit) const;

  const HostReader& reader_;
  const std::string tool_name_;
};

}  // namespace gpulet::checkpoint

#endif  // GPULET_CHECKPOINT_STALE_TOOL_CALLS_H_

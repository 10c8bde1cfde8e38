// ProcessCheckpointer: moves the CUDA state of live processes to host memory
// and back with NVIDIA's `cuda-checkpoint` tool, freeing their GPUs while
// the processes stay alive. The entry point of `gpulet checkpoint`.
//
// A process counts as a CUDA process only when its /proc/PID/maps (read
// through the host view) maps libcuda.so and `cuda-checkpoint
// --get-restore-tid` confirms it, so processes that never touched a GPU cost
// no exec. Actions on several processes run in parallel, and a failure
// rolls every process back: nothing is ever left CUDA-locked by gpulet.
//
// Example:
//   ASSIGN_OR_RETURN(auto checkpointer,
//                    ProcessCheckpointer::Create({}, Environment::FromProcess()));
//   ASSIGN_OR_RETURN(std::vector<ProcessReport> suspended,
//                    checkpointer->Suspend(pids));
//   ...
//   ASSIGN_OR_RETURN(auto resumed, checkpointer->Resume(pids));
//
// Immutable after Create(); every method is thread-safe, but two calls that
// act on the same process at once race in the tool itself.
#ifndef GPULET_CHECKPOINT_PROCESS_CHECKPOINTER_H_
#define GPULET_CHECKPOINT_PROCESS_CHECKPOINTER_H_

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "checkpoint/cuda_state.h"
#include "checkpoint/cuda_tool.h"
#include "checkpoint/host_reader.h"
#include "checkpoint/plain_status.h"
#include "checkpoint/stale_tool_calls.h"
#include "config/environment.h"

namespace gpulet::checkpoint {

struct ProcessReport {
  pid_t pid = 0;
  // The TID of the process's CUDA restore thread; 0 when not a CUDA process.
  pid_t restore_tid = 0;
  CudaState state = CudaState::kUnknown;
  // Why this process failed, or OK.
  absl::Status status;
};

struct CheckpointerOptions {
  // Where the host's "/" is visible to gpulet (see src/hostfs/host_view.h).
  std::string host_root = "/";
  // The configured cuda-checkpoint path (a host path); empty: search PATH,
  // then the bin dirs of every known driver root.
  std::string tool_path;
  // Passed to `--action lock --timeout`.
  absl::Duration lock_timeout = absl::Seconds(10);
  // The most tool processes run at once.
  int parallelism = 64;
};

class ProcessCheckpointer {
 public:
  // Checks that an NVIDIA GPU is present (/proc/driver/nvidia/gpus through
  // the host view), locates cuda-checkpoint and probes `-h` for the
  // `--action` interface. FailedPrecondition "no NVIDIA driver" when no GPU
  // is visible, or "driver older than r555" when the tool has no
  // `--action`; NotFound listing the paths tried when the tool is missing;
  // InvalidArgument for a bad host_root, parallelism or timeout.
  static absl::StatusOr<std::unique_ptr<ProcessCheckpointer>> Create(
      const CheckpointerOptions& options, const Environment& env);

  // The same with an explicit reader and PATH value (tests, benchmarks).
  static absl::StatusOr<std::unique_ptr<ProcessCheckpointer>> CreateForTest(
      const CheckpointerOptions& options, std::shared_ptr<const HostReader> reader,
      std::string_view path_env);

  // One report per pid, in order: kNotCuda for a process that does not map
  // libcuda.so or that the tool does not know, kUnknown with NotFound when
  // the process does not exist, else the tool's state.
  std::vector<ProcessReport> Inspect(const std::vector<pid_t>& pids);

  // Locks, then checkpoints, every CUDA process among `pids`, each phase in
  // parallel; processes already locked or checkpointed are left as they are
  // and non-CUDA ones are reported kNotCuda and skipped. On any failure every
  // process is returned to the state it had (running and unlocked for a
  // running one) and the error names the failing pid and why:
  // DeadlineExceeded for a lock timeout, Aborted for a failed action,
  // Internal for output the tool should not print, FailedPrecondition when
  // no pid is a CUDA process. A pid that cannot be inspected fails the call
  // before anything is changed; one that exited since it was listed is
  // skipped (NotFound when all did). When `cancelled` says so once the
  // processes are suspended, every one is returned to its state and the
  // reports say so.
  absl::StatusOr<std::vector<ProcessReport>> Suspend(
      const std::vector<pid_t>& pids, const std::function<bool()>& cancelled = {});

  // Restores, then unlocks, every CUDA process among `pids` that is
  // checkpointed or locked, in parallel; never leaves one locked when its
  // restore succeeded. Every process that can be resumed is, even when
  // another cannot be inspected or fails; the error (the first failing pid)
  // is returned after all were attempted.
  //
  // First, cuda-checkpoint calls still running on `pids` (left by a
  // suspend that was killed) are waited for up to the lock timeout, and
  // the locks and queries among them killed (StaleToolCalls); what happened
  // to them goes to `*stale` when given. Unavailable, with nothing changed,
  // when a checkpoint or restore still runs, a call outlives SIGKILL, or a
  // call belongs to a gpulet or criu that still runs.
  absl::StatusOr<std::vector<ProcessReport>> Resume(const std::vector<pid_t>& pids,
                                                    StaleCallsOutcome* stale = nullptr);

  // The cuda-checkpoint that Create() found, as gpulet runs it.
  const std::string& tool_path() const { return tool_.path(); }

 private:
  ProcessCheckpointer(CheckpointerOptions options,
                      std::shared_ptr<const HostReader> reader, CudaTool tool);

  const CheckpointerOptions options_;
  const std::shared_ptr<const HostReader> reader_;
  const CudaTool tool_;
};

// `status` as an absl::Status with the same code and message.
absl::Status ToAbslStatus(const PlainStatus& status);

}  // namespace gpulet::checkpoint

#endif  // GPULET_CHECKPOINT_PROCESS_CHECKPOINTER_H_

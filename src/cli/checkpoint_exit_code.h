// The exit codes of `gpulet checkpoint`, one per failure an operator or a
// script must tell apart, and the mapping from the errors of the
// checkpoint module to them.
//
//   0   done
//   1   an action failed (every process was returned to its state), or
//       any other failure
//   2   bad flags or target
//   3   no NVIDIA driver (no GPU in /proc/driver/nvidia/gpus)
//   4   driver older than r555 (cuda-checkpoint has no --action)
//   5   cuda-checkpoint not found
//   6   the target has no CUDA process
//   7   lock timeout
//   8   kubelet without the checkpoint feature (ContainerCheckpoint gate)
//   9   no such process, container or pod
//   130 interrupted during suspend; what was suspended has been resumed
//
// Pure functions; thread-safe.
#ifndef GPULET_CLI_CHECKPOINT_EXIT_CODE_H_
#define GPULET_CLI_CHECKPOINT_EXIT_CODE_H_

#include "absl/status/status.h"

namespace gpulet::cli {

enum CheckpointExitCode : int {
  kCheckpointOk = 0,
  kCheckpointFailed = 1,
  kCheckpointUsage = 2,
  kCheckpointNoDriver = 3,
  kCheckpointOldDriver = 4,
  kCheckpointToolMissing = 5,
  kCheckpointNotCuda = 6,
  kCheckpointLockTimeout = 7,
  kCheckpointKubeletFeature = 8,
  kCheckpointTargetNotFound = 9,
  kCheckpointInterrupted = 130,
};

// Where the error came from: each step uses the canonical codes for its
// own failures, so the same code means different things in each.
enum class CheckpointStep {
  kResolve,     // TargetResolver, the API server
  kSetUp,       // ProcessCheckpointer::Create
  kAct,         // Suspend, Resume
  kKubelet,     // KubeletCheckpointer
};

int ExitCodeFor(CheckpointStep step, const absl::Status& status);

}  // namespace gpulet::cli

#endif  // GPULET_CLI_CHECKPOINT_EXIT_CODE_H_

#include "cli/checkpoint_exit_code.h"

#include "absl/strings/match.h"

namespace gpulet::cli {

int ExitCodeFor(CheckpointStep step, const absl::Status& status) {
  if (status.ok()) return kCheckpointOk;
  const absl::StatusCode code = status.code();
  if (code == absl::StatusCode::kInvalidArgument) return kCheckpointUsage;
  switch (step) {
    case CheckpointStep::kResolve:
      return code == absl::StatusCode::kNotFound ? kCheckpointTargetNotFound : kCheckpointFailed;
    case CheckpointStep::kSetUp:
      if (code == absl::StatusCode::kNotFound) return kCheckpointToolMissing;
      if (code != absl::StatusCode::kFailedPrecondition) return kCheckpointFailed;
      // Create() reports both driver problems as FailedPrecondition; its
      // contract words tell them apart.
      return absl::StrContains(status.message(), "r555") ? kCheckpointOldDriver
                                                         : kCheckpointNoDriver;
    case CheckpointStep::kAct:
      if (code == absl::StatusCode::kDeadlineExceeded) return kCheckpointLockTimeout;
      if (code == absl::StatusCode::kFailedPrecondition) return kCheckpointNotCuda;
      if (code == absl::StatusCode::kNotFound) return kCheckpointTargetNotFound;
      return kCheckpointFailed;
    case CheckpointStep::kKubelet:
      if (code == absl::StatusCode::kFailedPrecondition &&
          absl::StrContains(status.message(), "ContainerCheckpoint")) {
        return kCheckpointKubeletFeature;
      }
      return code == absl::StatusCode::kNotFound ? kCheckpointTargetNotFound : kCheckpointFailed;
  }
  return kCheckpointFailed;
}

}  // namespace gpulet::cli

#include "cli/checkpoint_exit_code.h"

#include "gtest/gtest.h"

namespace gpulet::cli {
namespace {

TEST(CheckpointExitCodeTest, EveryDocumentedCase) {
  struct Case {
    CheckpointStep step;
    absl::Status status;
    int want;
  };
  using S = CheckpointStep;
  for (const Case& c : {
           Case{S::kResolve, absl::OkStatus(), 0},
           Case{S::kResolve, absl::InvalidArgumentError("pid \"x\""), 2},
           Case{S::kResolve, absl::NotFoundError("pid 9: no such process"), 9},
           Case{S::kResolve, absl::UnavailableError("api server"), 1},
           Case{S::kSetUp, absl::FailedPreconditionError("no NVIDIA driver: ..."), 3},
           Case{S::kSetUp, absl::FailedPreconditionError("driver older than r555: ..."), 4},
           Case{S::kSetUp, absl::NotFoundError("cuda-checkpoint not found in ..."), 5},
           Case{S::kSetUp, absl::InvalidArgumentError("host root"), 2},
           Case{S::kAct, absl::FailedPreconditionError("pid 4 is not a CUDA process"), 6},
           Case{S::kAct, absl::DeadlineExceededError("pid 4: lock timed out"), 7},
           Case{S::kAct, absl::AbortedError("pid 4: checkpoint failed"), 1},
           Case{S::kKubelet,
                absl::FailedPreconditionError("kubelet without the checkpoint feature "
                                              "(ContainerCheckpoint gate)"),
                8},
           Case{S::kKubelet, absl::FailedPreconditionError("runtime cannot checkpoint"), 1},
           Case{S::kKubelet, absl::NotFoundError("pod ml/x not found"), 9},
       }) {
    EXPECT_EQ(ExitCodeFor(c.step, c.status), c.want) << c.status;
  }
}

}  // namespace
}  // namespace gpulet::cli

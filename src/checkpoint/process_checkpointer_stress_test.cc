// 64 CUDA processes suspended and resumed in parallel, for TSan: the
// group's per-member writes from the worker threads and the reads after
// the join must not race. The fake tool's barriers prove the parallelism:
// each phase succeeds only when all 64 calls run at once, however slow
// the machine is.

#include "base/status_matchers.h"
#include "checkpoint/process_checkpointer.h"
#include "checkpoint/testing/fake_cuda_node.h"
#include "gtest/gtest.h"

namespace gpulet::checkpoint {
namespace {

using ::gpulet::checkpoint::testing::FakeCudaNode;
using ::gpulet::checkpoint::testing::NodeLayout;

absl::StatusOr<std::unique_ptr<ProcessCheckpointer>> Open(const FakeCudaNode& node) {
  CheckpointerOptions options;
  options.host_root = node.prefix();
  // A lock waits at the barrier for the other 63 to start.
  options.lock_timeout = absl::Seconds(150);
  return ProcessCheckpointer::Create(options, Environment::FromMap({}));
}

TEST(ProcessCheckpointerStressTest, SixtyFourProcessesInParallel) {
  FakeCudaNode node(NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT);
  std::vector<pid_t> pids = node.AddCudaProcesses(1000, 64);
  node.AddProcess(2000, 1, false);
  pids.push_back(2000);
  for (const char* action : {"lock", "checkpoint", "restore", "unlock"}) {
    node.SetBarrier(action, 64);
  }
  ASSERT_OK_AND_ASSIGN(auto checkpointer, Open(node));
  ASSERT_OK_AND_ASSIGN(auto suspended, checkpointer->Suspend(pids));
  for (size_t i = 0; i + 1 < pids.size(); ++i) {
    EXPECT_EQ(suspended[i].state, CudaState::kCheckpointed);
    EXPECT_EQ(node.StateOf(pids[i]), CudaState::kCheckpointed);
  }
  EXPECT_EQ(suspended.back().state, CudaState::kNotCuda);
  ASSERT_OK_AND_ASSIGN(auto resumed, checkpointer->Resume(pids));
  for (size_t i = 0; i + 1 < pids.size(); ++i) {
    EXPECT_EQ(resumed[i].state, CudaState::kRunning);
    EXPECT_EQ(node.StateOf(pids[i]), CudaState::kRunning);
  }
}

TEST(ProcessCheckpointerStressTest, OneFailureAmongSixtyFourLeavesNoneLocked) {
  FakeCudaNode node(NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT);
  std::vector<pid_t> pids = node.AddCudaProcesses(1000, 64);
  node.InjectFailure("checkpoint", 1031);
  ASSERT_OK_AND_ASSIGN(auto checkpointer, Open(node));
  EXPECT_FALSE(checkpointer->Suspend(pids).ok());
  for (pid_t pid : pids) EXPECT_EQ(node.StateOf(pid), CudaState::kRunning) << pid;
}

}  // namespace
}  // namespace gpulet::checkpoint

#include "checkpoint/process_group.h"

#include "checkpoint/testing/fake_cuda_node.h"
#include "gtest/gtest.h"

namespace gpulet::checkpoint {
namespace {

using ::gpulet::checkpoint::testing::FakeCudaNode;
using ::gpulet::checkpoint::testing::NodeLayout;
using ::gpulet::checkpoint::testing::ToolHostPath;

constexpr pid_t kPid = 501;
constexpr pid_t kRestoreTid = kPid + 100000;  // FakeCudaNode's rule

class ProcessGroupTest : public ::testing::Test {
 protected:
  ProcessGroupTest() { node_.AddProcess(kPid, 1, true); }

  FakeCudaNode node_{NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT};
  CudaTool tool_{node_.prefix() + ToolHostPath(NodeLayout::kStandard)};
  ProcessGroup group_{tool_, 4};
};

TEST_F(ProcessGroupTest, RollBackUnlocksAfterAFailedLockWhenTheStateCannotBeRead) {
  group_.Add(kPid, kRestoreTid, CudaState::kRunning);
  node_.InjectFailure("lock", kPid);
  ASSERT_FALSE(group_.LockAll(std::chrono::milliseconds(1000)).ok());
  // The lock got half-way (a timeout that fired late), and the tool can
  // no longer say where the process is.
  node_.SetState(kPid, CudaState::kLocked);
  node_.InjectFailure("get-state", kPid);  // the fake keys it by pid
  EXPECT_TRUE(group_.RollBack().ok());
  EXPECT_EQ(node_.StateOf(kPid), CudaState::kRunning);
}

TEST_F(ProcessGroupTest, RollBackRestoresAfterAFailedCheckpointWhenTheStateCannotBeRead) {
  group_.Add(kPid, kRestoreTid, CudaState::kRunning);
  ASSERT_TRUE(group_.LockAll(std::chrono::milliseconds(1000)).ok());
  node_.InjectFailure("checkpoint", kPid);
  ASSERT_FALSE(group_.CheckpointAll().ok());
  node_.SetState(kPid, CudaState::kCheckpointed);
  node_.InjectFailure("get-state", kPid);  // the fake keys it by pid
  EXPECT_TRUE(group_.RollBack().ok());
  EXPECT_EQ(node_.StateOf(kPid), CudaState::kRunning);
}

TEST_F(ProcessGroupTest, AWrongGuessOfCheckpointedStillEndsUnlocked) {
  group_.Add(kPid, kRestoreTid, CudaState::kRunning);
  ASSERT_TRUE(group_.LockAll(std::chrono::milliseconds(1000)).ok());
  node_.InjectFailure("checkpoint", kPid);
  ASSERT_FALSE(group_.CheckpointAll().ok());
  // The checkpoint never started: the task is only locked, and restore
  // fails on it.
  node_.InjectFailure("get-state", kPid);
  EXPECT_TRUE(group_.RollBack().ok());
  EXPECT_EQ(node_.StateOf(kPid), CudaState::kRunning);
}

TEST_F(ProcessGroupTest, RollBackTrustsWhatItKnowsWhenNoStepFailed) {
  group_.Add(kPid, kRestoreTid, CudaState::kRunning);
  node_.InjectFailure("get-state", kPid);  // the fake keys it by pid
  EXPECT_TRUE(group_.RollBack().ok());
  EXPECT_EQ(node_.CountCalls("--action"), 0);
  EXPECT_EQ(node_.StateOf(kPid), CudaState::kRunning);
}

}  // namespace
}  // namespace gpulet::checkpoint

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

// One of each kind discovery reports.
std::vector<DiscoveredProcess> EveryKindOfDiscovery() {
  return {
      {.pid = 10, .restore_tid = 100010, .state = CudaState::kRunning, .status = {}},
      {.pid = 11, .restore_tid = 100011, .state = CudaState::kLocked, .status = {}},
      {.pid = 12, .restore_tid = 0, .state = CudaState::kNotCuda, .status = {}},
      {.pid = 13, .restore_tid = 0, .state = CudaState::kUnknown,
       .status = {PlainCode::kNotFound, "pid 13 is gone"}},
      // Its state could not be read: a confirmed CUDA process.
      {.pid = 14, .restore_tid = 100014, .state = CudaState::kUnknown,
       .status = {PlainCode::kInternal, "pid 14: get-state failed"}},
      // Not even its restore thread: it may be anything.
      {.pid = 15, .restore_tid = 0, .state = CudaState::kUnknown,
       .status = {PlainCode::kInternal, "pid 15: get-restore-tid failed"}},
      // The tool answered without a thread: nothing to act on.
      {.pid = 16, .restore_tid = 0, .state = CudaState::kUnknown, .status = {}},
  };
}

std::vector<std::pair<pid_t, CudaState>> Members(const ProcessGroup& group) {
  std::vector<std::pair<pid_t, CudaState>> members;
  for (const GroupMember& m : group.members()) members.emplace_back(m.pid, m.initial);
  return members;
}

TEST_F(ProcessGroupTest, JoinLeavesOutWhatCannotBeInspectedForASuspend) {
  JoinResult result = group_.Join(EveryKindOfDiscovery(), UnknownState::kLeftOut);
  EXPECT_EQ(result.gone, 1u);
  EXPECT_EQ(result.first_failure.message(), "pid 14: get-state failed");
  EXPECT_EQ(Members(group_), (std::vector<std::pair<pid_t, CudaState>>{
                                 {10, CudaState::kRunning}, {11, CudaState::kLocked}}));
}

TEST_F(ProcessGroupTest, JoinTakesAConfirmedCudaProcessAsCheckpointedForAResume) {
  JoinResult result = group_.Join(EveryKindOfDiscovery(), UnknownState::kIsCheckpointed);
  EXPECT_EQ(result.gone, 1u);
  EXPECT_EQ(result.first_failure.message(), "pid 14: get-state failed");
  EXPECT_EQ(Members(group_),
            (std::vector<std::pair<pid_t, CudaState>>{{10, CudaState::kRunning},
                                                      {11, CudaState::kLocked},
                                                      {14, CudaState::kCheckpointed}}));
}

}  // namespace
}  // namespace gpulet::checkpoint

// cuda_plugin.so driven as CRIU 4.x drives it, on every driver layout and
// through every failure; afterwards each process must be running and
// unlocked, or checkpointed, exactly as the scenario says. Built twice:
// GPULET_FAKE_CRIU adds CRIU's exported internals to the executable.
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "checkpoint/criu/criu_abi.h"
#include "checkpoint/criu/plugin_driver.h"
#include "checkpoint/testing/fake_cuda_node.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#if GPULET_FAKE_CRIU
#include "checkpoint/criu/fake_criu.h"
#endif

namespace gpulet::checkpoint::criu {
namespace {

using ::gpulet::checkpoint::testing::FakeCudaNode;
using ::gpulet::checkpoint::testing::NodeLayout;
using ::gpulet::checkpoint::testing::NodeLayoutTestName;
using ::gpulet::checkpoint::criu::testing::PluginDriver;
using ::testing::HasSubstr;

constexpr pid_t kRoot = 500;
// Root 500 (plain) with children 501, 502 (CUDA) and 503 (plain), and
// 504 (CUDA) below 503.
const std::vector<pid_t> kTree = {500, 501, 502, 503, 504};
const std::vector<pid_t> kCuda = {501, 502, 504};

void BuildTree(FakeCudaNode& node) {
  node.AddProcess(500, 1, false);
  node.AddProcess(501, 500, true);
  node.AddProcess(502, 500, true);
  node.AddProcess(503, 500, false);
  node.AddProcess(504, 503, true);
  node.AddProcess(600, 1, true);  // not in the tree: never touched
}

class PluginTest : public ::testing::Test {
 protected:
  void SetUp() override {
#if GPULET_FAKE_CRIU
    testing::FakeCriu::Reset();
#endif
  }
  void TearDown() override { unsetenv("GPULET_HOST_ROOT"); }

  // A node of `layout` with the tree, and the plugin pointed at it.
  std::unique_ptr<FakeCudaNode> MakeNode(NodeLayout layout) {
    auto node = std::make_unique<FakeCudaNode>(layout, FAKE_CUDA_CHECKPOINT);
    BuildTree(*node);
    setenv("GPULET_HOST_ROOT", node->prefix().c_str(), 1);
    return node;
  }

  void ExpectStates(const FakeCudaNode& node, CudaState state) {
    for (pid_t pid : kCuda) EXPECT_EQ(node.StateOf(pid), state) << "pid " << pid;
    EXPECT_EQ(node.StateOf(600), CudaState::kRunning);
  }

  PluginDriver plugin_{CUDA_PLUGIN_SO};
};

TEST_F(PluginTest, DescriptorIsWhatCriu4Accepts) {
  EXPECT_STREQ(plugin_.desc().name, "cuda_plugin");
  EXPECT_EQ(plugin_.desc().version, 0x200u);
  EXPECT_EQ(plugin_.desc().max_hooks, 12u);
  for (unsigned hook = 0; hook < plugin_.desc().max_hooks; ++hook) {
    bool ours = hook == 9 || hook == 10 || hook == 11;
    EXPECT_EQ(plugin_.desc().hooks[hook] != nullptr, ours) << "hook " << hook;
  }
}

TEST_F(PluginTest, ExportsOnlyTheDescriptor) {
  EXPECT_NE(plugin_.Symbol("CR_PLUGIN_DESC"), nullptr);
  // Neither the hooks (CRIU must take them from the descriptor, not by
  // name as for old plugins) nor the core's C++ symbols, which would clash
  // with CRIU's or another plugin's.
  for (const char* name : {"CudaPluginInit", "cr_plugin_init", "cr_plugin_pause_devices",
                           "_ZN6gpulet10checkpoint7RunToolERKSt6vectorINSt7__cxx1112basic_"
                           "stringIcSt11char_traitsIcESaIcEEESaIS7_EENSt6chrono8durationIlSt5"
                           "ratioILl1ELl1000EEEEPNS0_7ToolRunE"}) {
    EXPECT_EQ(plugin_.Symbol(name), nullptr) << name;
  }
#if PLUGIN_STATIC_STDLIB
  // The static libstdc++ inside is hidden too (and no shared one is
  // loaded for the plugin: dlsym would find it through its dependencies).
  EXPECT_EQ(plugin_.Symbol("_ZSt4cout"), nullptr);
#endif
}

class PluginLayoutTest : public PluginTest,
                         public ::testing::WithParamInterface<NodeLayout> {};

TEST_P(PluginLayoutTest, DumpsAndRestoresTheTree) {
  auto node = MakeNode(GetParam());
  ASSERT_EQ(plugin_.Dump(kTree), 0);
#if GPULET_FAKE_CRIU
  // Tasks are killed after the dump: their CUDA state stays on the host.
  ExpectStates(*node, CudaState::kCheckpointed);
  EXPECT_THAT(testing::FakeCriu::Inventory(), ::testing::ElementsAre("cuda_plugin"));
  EXPECT_TRUE(testing::FakeCriu::interrupt_only());
  ASSERT_EQ(plugin_.Restore(kTree), 0);
  EXPECT_TRUE(testing::FakeCriu::Inventory().empty());
#else
  // Outside CRIU --leave-running cannot be learned: fini resumes them.
  ExpectStates(*node, CudaState::kRunning);
#endif
  ExpectStates(*node, CudaState::kRunning);
  EXPECT_EQ(node->CountCalls("--pid 500"), 0);
  EXPECT_EQ(node->CountCalls("--pid 503"), 0);
  EXPECT_EQ(node->CountCalls("--pid 600"), 0);
}

INSTANTIATE_TEST_SUITE_P(Layouts, PluginLayoutTest,
                         ::testing::Values(NodeLayout::kStandard, NodeLayout::kGpuOperator,
                                           NodeLayout::kGkeCos, NodeLayout::kNoNvidiactl),
                         [](const auto& info) { return NodeLayoutTestName(info.param); });

TEST_F(PluginTest, DumpLocksEveryTaskBeforeAnyCheckpoint) {
  auto node = MakeNode(NodeLayout::kStandard);
  ASSERT_EQ(plugin_.Init(kStageDump), 0);
  ASSERT_EQ(plugin_.Hook(kHookPauseDevices, kRoot), 0);
  // The first call found and locked the whole tree.
  ExpectStates(*node, CudaState::kLocked);
  int calls = static_cast<int>(node->Calls().size());
  for (pid_t pid : kTree) ASSERT_EQ(plugin_.Hook(kHookPauseDevices, pid), 0);
  EXPECT_EQ(static_cast<int>(node->Calls().size()), calls);
  ASSERT_EQ(plugin_.Hook(kHookCheckpointDevices, kRoot), 0);
  ExpectStates(*node, CudaState::kCheckpointed);
  for (pid_t pid : kTree) ASSERT_EQ(plugin_.Hook(kHookCheckpointDevices, pid), 0);
  plugin_.Fini(kStageDump, -1);
  ExpectStates(*node, CudaState::kRunning);
}

TEST_F(PluginTest, ACudaTaskFirstSeenAtCheckpointFailsTheDumpWithoutReadingItsState) {
  auto node = MakeNode(NodeLayout::kStandard);
  node->AddProcess(506, 1, true);
  ASSERT_EQ(plugin_.Init(kStageDump), 0);
  for (pid_t pid : kTree) ASSERT_EQ(plugin_.Hook(kHookPauseDevices, pid), 0);
  ASSERT_EQ(plugin_.Hook(kHookCheckpointDevices, kRoot), 0);
  // CRIU holds 506 stopped: its state could not be read, and need not be.
  EXPECT_EQ(plugin_.Hook(kHookCheckpointDevices, 506), -1);
  EXPECT_EQ(node->CountCalls("--get-state --pid 506"), 0);
  EXPECT_EQ(node->CountCalls("--get-restore-tid --pid 506"), 1);
  ExpectStates(*node, CudaState::kRunning);
  EXPECT_EQ(node->StateOf(506), CudaState::kRunning);
  plugin_.Fini(kStageDump, -1);
  ExpectStates(*node, CudaState::kRunning);
#if GPULET_FAKE_CRIU
  EXPECT_THAT(testing::FakeCriu::Log(),
              ::testing::Contains(HasSubstr("pid 506 is a CUDA task that was never locked")));
#endif
}

TEST_F(PluginTest, AToolThatVanishesAfterInitFailsTheDumpInsteadOfSkippingTasks) {
  auto node = MakeNode(NodeLayout::kGpuOperator);
  ASSERT_EQ(plugin_.Init(kStageDump), 0);
  // The driver container restarts: its cuda-checkpoint is gone for now.
  node->tree().Remove("/run/nvidia/driver/usr/bin/cuda-checkpoint");
  EXPECT_EQ(plugin_.Hook(kHookPauseDevices, kRoot), -1);
  plugin_.Fini(kStageDump, -1);
  ExpectStates(*node, CudaState::kRunning);
#if GPULET_FAKE_CRIU
  EXPECT_THAT(testing::FakeCriu::Log(), ::testing::Contains(HasSubstr("cannot run")));
#endif
}

TEST_F(PluginTest, APlainTaskFirstSeenAtCheckpointCostsNoExec) {
  auto node = MakeNode(NodeLayout::kStandard);
  node->AddProcess(507, 1, false);
  ASSERT_EQ(plugin_.Init(kStageDump), 0);
  ASSERT_EQ(plugin_.Hook(kHookPauseDevices, kRoot), 0);
  ASSERT_EQ(plugin_.Hook(kHookCheckpointDevices, kRoot), 0);
  EXPECT_EQ(plugin_.Hook(kHookCheckpointDevices, 507), 0);
  EXPECT_EQ(node->CountCalls("--pid 507"), 0);
  ExpectStates(*node, CudaState::kCheckpointed);
  plugin_.Fini(kStageDump, -1);
  ExpectStates(*node, CudaState::kRunning);
}

struct DisabledCase {
  const char* name;
  NodeLayout layout;
  void (*spoil)(FakeCudaNode&);
  const char* why;
};

class PluginDisabledTest : public PluginTest,
                           public ::testing::WithParamInterface<DisabledCase> {};

TEST_P(PluginDisabledTest, HooksAreNotSupportedAndNothingRuns) {
  auto node = MakeNode(GetParam().layout);
  GetParam().spoil(*node);
  size_t probe_calls = node->Calls().size();
  ASSERT_EQ(plugin_.Init(kStageDump), 0);
  probe_calls = node->Calls().size() - probe_calls;
  EXPECT_LE(probe_calls, 1u);  // at most the -h probe
  for (pid_t pid : kTree) EXPECT_EQ(plugin_.Hook(kHookPauseDevices, pid), -ENOTSUP);
  for (pid_t pid : kTree) EXPECT_EQ(plugin_.Hook(kHookCheckpointDevices, pid), -ENOTSUP);
  plugin_.Fini(kStageDump, 0);
  ExpectStates(*node, CudaState::kRunning);
#if GPULET_FAKE_CRIU
  ASSERT_EQ(testing::FakeCriu::Log().size(), 1u);
  EXPECT_THAT(testing::FakeCriu::Log()[0],
              AllOf(HasSubstr("cuda_plugin: disabled: "), HasSubstr(GetParam().why)));
#endif
}

INSTANTIATE_TEST_SUITE_P(
    Reasons, PluginDisabledTest,
    ::testing::Values(
        DisabledCase{"no_driver", NodeLayout::kNoDriver, [](FakeCudaNode&) {},
                     "no NVIDIA driver"},
        DisabledCase{"tool_missing", NodeLayout::kGpuOperator,
                     [](FakeCudaNode& n) {
                       n.tree().Remove("/run/nvidia/driver/usr/bin/cuda-checkpoint");
                     },
                     "cuda-checkpoint not found"},
        DisabledCase{"old_driver", NodeLayout::kGkeCos,
                     [](FakeCudaNode& n) { n.UseOldDriver(); }, "driver older than r555"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(PluginTest, PreDumpDisablesThePlugin) {
  auto node = MakeNode(NodeLayout::kStandard);
  ASSERT_EQ(plugin_.Init(kStagePreDump), 0);
  EXPECT_EQ(plugin_.Hook(kHookPauseDevices, kRoot), -ENOTSUP);
  plugin_.Fini(kStagePreDump, 0);
  ExpectStates(*node, CudaState::kRunning);
  EXPECT_TRUE(node->Calls().empty());
}

TEST_F(PluginTest, FailedCheckpointOfOneTaskLeavesNoneLocked) {
  auto node = MakeNode(NodeLayout::kGpuOperator);
  node->InjectFailure("checkpoint", 502);
  EXPECT_EQ(plugin_.Dump(kTree), -1);
  ExpectStates(*node, CudaState::kRunning);
}

TEST_F(PluginTest, FailedLockFailsTheDumpAndUnlocksTheOthers) {
  auto node = MakeNode(NodeLayout::kStandard);
  node->InjectFailure("lock", 504);
  EXPECT_EQ(plugin_.Dump(kTree), -1);
  ExpectStates(*node, CudaState::kRunning);
}

TEST_F(PluginTest, FiniAfterAFailedDumpResumesEveryTask) {
  auto node = MakeNode(NodeLayout::kGkeCos);
  EXPECT_EQ(plugin_.Dump(kTree, /*fail_after_checkpoint=*/true), -1);
  ExpectStates(*node, CudaState::kRunning);
}

TEST_F(PluginTest, AlreadyLockedAndCheckpointedTasksStaySo) {
  auto node = MakeNode(NodeLayout::kStandard);
  node->SetState(501, CudaState::kLocked);
  node->SetState(502, CudaState::kCheckpointed);
  node->InjectFailure("checkpoint", 504);
  EXPECT_EQ(plugin_.Dump(kTree), -1);
  EXPECT_EQ(node->StateOf(501), CudaState::kLocked);
  EXPECT_EQ(node->StateOf(502), CudaState::kCheckpointed);
  EXPECT_EQ(node->StateOf(504), CudaState::kRunning);
}

TEST_F(PluginTest, ProcessesWithoutLibcudaCostNoExec) {
  auto node = MakeNode(NodeLayout::kStandard);
  std::vector<pid_t> tree = kTree;
  for (pid_t pid = 700; pid < 797; ++pid) {
    node->AddProcess(pid, kRoot, false);
    tree.push_back(pid);
  }
  ASSERT_EQ(plugin_.Dump(tree), 0);
  // -h, then per CUDA task: restore tid, state, lock, checkpoint; then fini.
  EXPECT_EQ(node->CountCalls("--get-restore-tid"), 3);
  for (pid_t pid = 700; pid < 797; ++pid) {
    EXPECT_EQ(node->CountCalls("--pid " + std::to_string(pid)), 0);
  }
}

TEST_F(PluginTest, RealProcessesLoadingTheFakeLibcuda) {
  auto node = MakeNode(NodeLayout::kStandard);
  std::string ready = node->state_dir() + "/ready";
  pid_t app = fork();
  if (app == 0) {
    execl(FAKE_CUDA_APP, FAKE_CUDA_APP, "--lib", FAKE_LIBCUDA, "--children", "3",
          "--cuda-children", "2", ready.c_str(), nullptr);
    _exit(127);
  }
  std::vector<pid_t> cuda, plain;
  for (int i = 0; i < 500 && cuda.size() + plain.size() < 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    cuda.clear();
    plain.clear();
    std::ifstream in(ready);
    pid_t pid;
    std::string kind;
    while (in >> pid >> kind) (kind == "cuda" ? cuda : plain).push_back(pid);
  }
  ASSERT_EQ(cuda.size(), 3u);
  ASSERT_EQ(plain.size(), 1u);
  std::vector<pid_t> tree = {app};
  for (pid_t pid : cuda) node->LinkRealProcess(pid);
  for (pid_t pid : plain) node->LinkRealProcess(pid);
  for (pid_t pid : cuda) {
    if (pid != app) tree.push_back(pid);
  }
  for (pid_t pid : plain) tree.push_back(pid);
  // Held stopped as CRIU holds them: the fake tool, like the real one,
  // cannot act on a task whose restore thread a tracer keeps stopped.
  plugin_.set_seize_tasks(true);
  EXPECT_EQ(plugin_.Dump(tree), 0);
  for (pid_t pid : cuda) {
#if GPULET_FAKE_CRIU
    EXPECT_EQ(node->StateOf(pid), CudaState::kCheckpointed) << pid;
#else
    EXPECT_EQ(node->StateOf(pid), CudaState::kRunning) << pid;
#endif
  }
#if GPULET_FAKE_CRIU
  // Restore finds the tasks stopped too: their restore threads must run
  // before their state can be read.
  EXPECT_EQ(plugin_.Restore(tree), 0);
  for (pid_t pid : cuda) EXPECT_EQ(node->StateOf(pid), CudaState::kRunning) << pid;
#endif
  EXPECT_EQ(node->CountCalls("--pid " + std::to_string(plain[0])), 0);
  kill(-app, SIGKILL);
  for (pid_t pid : tree) kill(pid, SIGKILL);
  waitpid(app, nullptr, 0);
}

#if GPULET_FAKE_CRIU

TEST_F(PluginTest, LockTimeoutUsesCriusTimeoutAndUnlocks) {
  auto node = MakeNode(NodeLayout::kStandard);
  testing::FakeCriu::SetTimeoutSeconds(1);
  node->InjectHang("lock", 502);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(plugin_.Dump(kTree), -1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  EXPECT_EQ(node->CountCalls("--action lock --pid 502 --timeout 1000"), 1);
  ExpectStates(*node, CudaState::kRunning);
  EXPECT_THAT(testing::FakeCriu::Log(), ::testing::Contains(AllOf(
                                             HasSubstr("lock timeout"), HasSubstr("pid 502"))));
}

TEST_F(PluginTest, InventoryGetsTheNameOnceForLateTasks) {
  auto node = MakeNode(NodeLayout::kStandard);
  node->AddProcess(505, 1, true);  // not below the root: found at its own call
  std::vector<pid_t> tasks = kTree;
  tasks.push_back(505);
  ASSERT_EQ(plugin_.Dump(tasks), 0);
  EXPECT_THAT(testing::FakeCriu::Inventory(), ::testing::ElementsAre("cuda_plugin"));
  EXPECT_EQ(node->StateOf(505), CudaState::kCheckpointed);
}

TEST_F(PluginTest, LeaveRunningResumesEveryTaskAfterASuccessfulDump) {
  auto node = MakeNode(NodeLayout::kGpuOperator);
  testing::FakeCriu::SetFinalState(kTaskAlive);
  EXPECT_EQ(plugin_.Dump(kTree), 0);
  ExpectStates(*node, CudaState::kRunning);
}

TEST_F(PluginTest, UnknownFinalStateResumesEveryTask) {
  auto node = MakeNode(NodeLayout::kStandard);
  testing::FakeCriu::SetFinalState(77);  // a CRIU whose `opts` differs
  EXPECT_EQ(plugin_.Dump(kTree), 0);
  ExpectStates(*node, CudaState::kRunning);
}

TEST_F(PluginTest, RestoreOfAnImageWithoutCudaTasksIsDisabled) {
  auto node = MakeNode(NodeLayout::kStandard);
  for (pid_t pid : kCuda) node->SetState(pid, CudaState::kCheckpointed);
  EXPECT_EQ(plugin_.Restore(kTree), 0);
  ExpectStates(*node, CudaState::kCheckpointed);
  EXPECT_THAT(testing::FakeCriu::Log(),
              ::testing::Contains(HasSubstr("disabled: the image has no CUDA tasks")));
}

TEST_F(PluginTest, FailedRestoreIsLoggedAsAnError) {
  auto node = MakeNode(NodeLayout::kStandard);
  ASSERT_EQ(plugin_.Dump(kTree), 0);
  node->InjectFailure("restore", 501);
  EXPECT_EQ(plugin_.Restore(kTree), -1);
  EXPECT_EQ(node->StateOf(501), CudaState::kCheckpointed);
  EXPECT_EQ(node->StateOf(502), CudaState::kRunning);
  EXPECT_THAT(testing::FakeCriu::Log(),
              ::testing::Contains(HasSubstr("restore of CUDA state failed")));
}

TEST_F(PluginTest, ATaskWhoseStateCannotBeReadAtRestoreStopsNoOtherAndIsRestoredToo) {
  auto node = MakeNode(NodeLayout::kStandard);
  ASSERT_EQ(plugin_.Dump(kTree), 0);
  // 501 is the first CUDA task of the tree: before, its failed lookup
  // left every task checkpointed.
  node->InjectFailure("get-state", 501);
  EXPECT_EQ(plugin_.Restore(kTree), -1);
  ExpectStates(*node, CudaState::kRunning);
  EXPECT_THAT(testing::FakeCriu::Log(),
              ::testing::Contains(HasSubstr("restore of CUDA state failed")));
}

#endif  // GPULET_FAKE_CRIU

}  // namespace
}  // namespace gpulet::checkpoint::criu

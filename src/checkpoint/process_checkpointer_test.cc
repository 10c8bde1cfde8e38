#include "checkpoint/process_checkpointer.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "base/status_matchers.h"
#include "absl/strings/str_cat.h"
#include "checkpoint/proc_files.h"
#include "checkpoint/testing/fake_cuda_node.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::checkpoint {
namespace {

using ::gpulet::checkpoint::testing::FakeCudaNode;
using ::gpulet::checkpoint::testing::NodeLayout;
using ::gpulet::checkpoint::testing::NodeLayoutTestName;
using ::gpulet::checkpoint::testing::ToolHostPath;
using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

absl::StatusOr<std::unique_ptr<ProcessCheckpointer>> Open(const FakeCudaNode& node,
                                                          CheckpointerOptions options = {}) {
  options.host_root = node.prefix();
  options.lock_timeout = absl::Milliseconds(300);
  return ProcessCheckpointer::Create(options, Environment::FromMap({{"PATH", "/usr/local/bin"}}));
}

bool WaitUntil(const std::function<bool()>& done) {
  for (int i = 0; i < 1000 && !done(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

// The parent pid in real process `pid`'s stat, or 0.
pid_t RealParentOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return ParseStatParentPid(stat).value_or(0);
}

// A cuda-checkpoint call of an earlier run: the fake tool in a process of
// its own, on `node`'s state, shown in the node's /proc once the fake has
// logged it. Its parent is this
// test (a killed run's orphan looks the same to gpulet: its parent is no
// gpulet), or, given `owner`, a live shell named so.
class ToolCallProcess {
 public:
  ToolCallProcess(FakeCudaNode& node, const std::vector<std::string>& args,
                  const std::string& owner = "") {
    std::string command = FAKE_CUDA_CHECKPOINT;
    for (const std::string& arg : args) command += " " + arg;
    std::vector<std::string> argv = {FAKE_CUDA_CHECKPOINT};
    argv.insert(argv.end(), args.begin(), args.end());
    if (!owner.empty()) {
      // The named shell waits for the call, as gpulet would.
      argv = {"/bin/bash", "-c", "exec -a " + owner + " /bin/bash -c '" + command + "; exit'"};
    }
    std::vector<char*> raw;
    for (std::string& arg : argv) raw.push_back(arg.data());
    raw.push_back(nullptr);
    std::string dir = "FAKE_CUDA_CHECKPOINT_DIR=" + node.state_dir();
    char* env[] = {dir.data(), nullptr};
    EXPECT_EQ(posix_spawn(&spawned_, raw[0], nullptr, nullptr, raw.data(), env), 0);
    reaper_ = std::thread([this] {
      int status = 0;
      waitpid(spawned_, &status, 0);
      ended_ = true;
    });
    call_ = spawned_;
    if (!owner.empty()) {
      // The call is the shell's child.
      for (int i = 0; i < 1000 && call_ == spawned_; ++i) {
        for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
          pid_t pid = std::atoi(entry.path().filename().c_str());
          if (pid > 0 && RealParentOf(pid) == spawned_) call_ = pid;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      node.MirrorRealProcess(spawned_);
    }
    node.MirrorRealProcess(call_);
    std::string logged;
    for (const std::string& arg : args) logged += (logged.empty() ? "" : " ") + arg;
    EXPECT_TRUE(WaitUntil([&] { return node.CountCalls(logged) == 1; })) << logged;
  }
  ~ToolCallProcess() {
    kill(call_, SIGKILL);
    kill(spawned_, SIGKILL);
    reaper_.join();
  }
  pid_t pid() const { return call_; }
  pid_t owner() const { return spawned_; }
  // Whether the call's process ended (only for a call without an owner).
  bool ended() const { return ended_; }

 private:
  pid_t spawned_ = -1;
  pid_t call_ = -1;
  std::atomic<bool> ended_{false};
  std::thread reaper_;
};


class LayoutTest : public ::testing::TestWithParam<NodeLayout> {};

TEST_P(LayoutTest, FindsTheToolOfTheLayoutAndSuspends) {
  FakeCudaNode node(GetParam(), FAKE_CUDA_CHECKPOINT);
  node.AddProcess(10, 1, /*cuda=*/true);
  ASSERT_OK_AND_ASSIGN(auto checkpointer, Open(node));
  EXPECT_EQ(checkpointer->tool_path(), node.tree().PathOf(ToolHostPath(GetParam())));
  ASSERT_OK_AND_ASSIGN(auto reports, checkpointer->Suspend({10}));
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].state, CudaState::kCheckpointed);
  EXPECT_EQ(node.StateOf(10), CudaState::kCheckpointed);
}

INSTANTIATE_TEST_SUITE_P(Layouts, LayoutTest,
                         ::testing::Values(NodeLayout::kStandard, NodeLayout::kGpuOperator,
                                           NodeLayout::kGkeCos, NodeLayout::kNoNvidiactl),
                         [](const auto& info) { return NodeLayoutTestName(info.param); });

TEST(ProcessCheckpointerCreateTest, NoDriverIsFailedPrecondition) {
  FakeCudaNode node(NodeLayout::kNoDriver, FAKE_CUDA_CHECKPOINT);
  EXPECT_THAT(Open(node).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no NVIDIA driver")));
}

TEST(ProcessCheckpointerCreateTest, OldDriverIsFailedPrecondition) {
  FakeCudaNode node(NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT);
  node.UseOldDriver();
  EXPECT_THAT(Open(node).status(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                            HasSubstr("driver older than r555")));
}

TEST(ProcessCheckpointerCreateTest, MissingToolIsNotFoundListingPaths) {
  FakeCudaNode node(NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT);
  node.tree().Remove("/usr/bin/cuda-checkpoint");
  EXPECT_THAT(Open(node).status(),
              StatusIs(absl::StatusCode::kNotFound,
                       AllOf(HasSubstr("/usr/local/bin/cuda-checkpoint"),
                             HasSubstr("/run/nvidia/driver/usr/bin/cuda-checkpoint"),
                             HasSubstr("/home/kubernetes/bin/nvidia/bin/cuda-checkpoint"))));
}

TEST(ProcessCheckpointerCreateTest, ConfiguredPathWinsAndMustExist) {
  FakeCudaNode node(NodeLayout::kGkeCos, FAKE_CUDA_CHECKPOINT);
  CheckpointerOptions options;
  options.tool_path = "/opt/cuda-checkpoint";
  EXPECT_THAT(Open(node, options).status(),
              StatusIs(absl::StatusCode::kNotFound,
                       AllOf(HasSubstr("/opt/cuda-checkpoint"),
                             HasSubstr("a host path, read under the host root"))));
  options.tool_path = ToolHostPath(NodeLayout::kGkeCos);
  EXPECT_OK(Open(node, options).status());
}

TEST(ProcessCheckpointerCreateTest, BadOptionsAreInvalidArgument) {
  FakeCudaNode node(NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT);
  CheckpointerOptions options;
  options.parallelism = 0;
  EXPECT_THAT(Open(node, options).status(), StatusIs(absl::StatusCode::kInvalidArgument));
  options.host_root = "relative";
  EXPECT_THAT(ProcessCheckpointer::Create(options, Environment::FromMap({})).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ProcessCheckpointerTest, InspectExecsOnlyForProcessesMappingLibcuda) {
  FakeCudaNode node(NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT);
  node.AddProcess(10, 1, true);
  node.AddProcess(11, 10, false);
  node.AddProcess(12, 10, true, CudaState::kLocked);
  node.AddLibcudaOnlyProcess(13, 10);
  ASSERT_OK_AND_ASSIGN(auto checkpointer, Open(node));
  std::vector<ProcessReport> reports = checkpointer->Inspect({10, 11, 12, 13, 99});
  ASSERT_EQ(reports.size(), 5u);
  EXPECT_EQ(reports[0].state, CudaState::kRunning);
  EXPECT_EQ(reports[0].restore_tid, 100010);
  EXPECT_EQ(reports[1].state, CudaState::kNotCuda);
  EXPECT_EQ(reports[2].state, CudaState::kLocked);
  EXPECT_EQ(reports[3].state, CudaState::kNotCuda);
  EXPECT_EQ(reports[4].state, CudaState::kUnknown);
  EXPECT_THAT(reports[4].status, StatusIs(absl::StatusCode::kNotFound, HasSubstr("pid 99")));
  EXPECT_EQ(node.CountCalls("--pid 11"), 0);
  EXPECT_EQ(node.CountCalls("--get-restore-tid"), 3);
  // --get-state goes to the restore thread, as the tool wants.
  EXPECT_EQ(node.CountCalls("--get-state --pid 100010"), 1);
}

TEST(ProcessCheckpointerTest, SuspendAndResumeUseTheExactArgv) {
  FakeCudaNode node(NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT);
  node.AddProcess(10, 1, true);
  node.AddProcess(11, 10, false);
  ASSERT_OK_AND_ASSIGN(auto checkpointer, Open(node));
  ASSERT_OK_AND_ASSIGN(auto suspended, checkpointer->Suspend({10, 11}));
  EXPECT_EQ(suspended[0].state, CudaState::kCheckpointed);
  EXPECT_EQ(suspended[1].state, CudaState::kNotCuda);
  ASSERT_OK_AND_ASSIGN(auto resumed, checkpointer->Resume({10, 11}));
  EXPECT_EQ(resumed[0].state, CudaState::kRunning);
  EXPECT_EQ(node.StateOf(10), CudaState::kRunning);
  std::vector<std::string> calls = node.Calls();
  std::vector<std::string> actions;
  for (const std::string& c : calls) {
    if (c.rfind("--action", 0) == 0) actions.push_back(c);
  }
  EXPECT_THAT(actions, ::testing::ElementsAre("--action lock --pid 10 --timeout 300",
                                              "--action checkpoint --pid 10",
                                              "--action restore --pid 10",
                                              "--action unlock --pid 10"));
}

TEST(ProcessCheckpointerTest, LockTimeoutRollsEveryProcessBack) {
  FakeCudaNode node(NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT);
  for (pid_t pid : {10, 11, 12}) node.AddProcess(pid, 1, true);
  node.InjectHang("lock", 11);
  ASSERT_OK_AND_ASSIGN(auto checkpointer, Open(node));
  EXPECT_THAT(checkpointer->Suspend({10, 11, 12}).status(),
              StatusIs(absl::StatusCode::kDeadlineExceeded,
                       AllOf(HasSubstr("lock timeout"), HasSubstr("pid 11"))));
  for (pid_t pid : {10, 11, 12}) EXPECT_EQ(node.StateOf(pid), CudaState::kRunning) << pid;
}

TEST(ProcessCheckpointerTest, OneFailedCheckpointRestoresAndUnlocksAll) {
  FakeCudaNode node(NodeLayout::kGpuOperator, FAKE_CUDA_CHECKPOINT);
  for (pid_t pid : {10, 11, 12, 13}) node.AddProcess(pid, 1, true);
  node.InjectFailure("checkpoint", 12);
  ASSERT_OK_AND_ASSIGN(auto checkpointer, Open(node));
  EXPECT_THAT(checkpointer->Suspend({10, 11, 12, 13}).status(),
              StatusIs(absl::StatusCode::kAborted,
                       AllOf(HasSubstr("checkpoint of pid 12 failed"),
                             HasSubstr("injected checkpoint failure"),
                             HasSubstr("every process returned"))));
  for (pid_t pid : {10, 11, 12, 13}) EXPECT_EQ(node.StateOf(pid), CudaState::kRunning) << pid;
}

TEST(ProcessCheckpointerTest, AlreadyLockedOrCheckpointedAreLeftAsTheyWere) {
  FakeCudaNode node(NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT);
  node.AddProcess(10, 1, true, CudaState::kLocked);
  node.AddProcess(11, 1, true, CudaState::kCheckpointed);
  node.AddProcess(12, 1, true);
  node.InjectFailure("checkpoint", 12);
  ASSERT_OK_AND_ASSIGN(auto checkpointer, Open(node));
  EXPECT_FALSE(checkpointer->Suspend({10, 11, 12}).ok());
  EXPECT_EQ(node.StateOf(10), CudaState::kLocked);
  EXPECT_EQ(node.StateOf(11), CudaState::kCheckpointed);
  EXPECT_EQ(node.StateOf(12), CudaState::kRunning);
}

TEST(ProcessCheckpointerTest, NotACudaProcessIsFailedPrecondition) {
  FakeCudaNode node(NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT);
  node.AddProcess(11, 1, false);
  ASSERT_OK_AND_ASSIGN(auto checkpointer, Open(node));
  size_t probe_calls = node.Calls().size();
  EXPECT_THAT(checkpointer->Suspend({11}).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("pid 11 is not a CUDA process")));
  EXPECT_EQ(node.Calls().size(), probe_calls);
}

TEST(ProcessCheckpointerTest, ResumeTriesEveryProcessAndNamesTheFailure) {
  FakeCudaNode node(NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT);
  for (pid_t pid : {10, 11, 12}) node.AddProcess(pid, 1, true, CudaState::kCheckpointed);
  node.InjectFailure("restore", 11);
  ASSERT_OK_AND_ASSIGN(auto checkpointer, Open(node));
  EXPECT_THAT(checkpointer->Resume({10, 11, 12}).status(),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("restore of pid 11 failed")));
  EXPECT_EQ(node.StateOf(10), CudaState::kRunning);
  EXPECT_EQ(node.StateOf(11), CudaState::kCheckpointed);
  EXPECT_EQ(node.StateOf(12), CudaState::kRunning);
}

TEST(ProcessCheckpointerTest, ResumeSkipsAVanishedProcessAndResumesTheRest) {
  FakeCudaNode node(NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT);
  node.AddProcess(10, 1, true, CudaState::kCheckpointed);
  node.AddProcess(11, 1, true, CudaState::kLocked);
  ASSERT_OK_AND_ASSIGN(auto checkpointer, Open(node));
  EXPECT_OK(checkpointer->Resume({10, 99, 11}).status());
  EXPECT_EQ(node.StateOf(10), CudaState::kRunning);
  EXPECT_EQ(node.StateOf(11), CudaState::kRunning);
}

TEST(ProcessCheckpointerTest, SuspendChangesNothingWhenAProcessCannotBeInspected) {
  FakeCudaNode node(NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT);
  node.AddProcess(10, 1, true);
  node.AddProcess(11, 1, true);
  node.InjectFailure("get-state", 11);
  ASSERT_OK_AND_ASSIGN(auto checkpointer, Open(node));
  EXPECT_THAT(checkpointer->Suspend({10, 11}).status(),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("pid 11")));
  EXPECT_EQ(node.StateOf(10), CudaState::kRunning);
  EXPECT_EQ(node.CountCalls("--action"), 0);
}

TEST(ProcessCheckpointerTest, ACancelledSuspendReturnsEachProcessToItsOwnState) {
  FakeCudaNode node(NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT);
  node.AddProcess(10, 1, true);
  node.AddProcess(11, 1, true, CudaState::kLocked);
  node.AddProcess(12, 1, true, CudaState::kCheckpointed);
  ASSERT_OK_AND_ASSIGN(auto checkpointer, Open(node));
  bool asked = false;
  ASSERT_OK_AND_ASSIGN(std::vector<ProcessReport> reports,
                       checkpointer->Suspend({10, 11, 12}, [&] {
                         // Asked once everything is suspended.
                         EXPECT_EQ(node.StateOf(10), CudaState::kCheckpointed);
                         asked = true;
                         return true;
                       }));
  EXPECT_TRUE(asked);
  EXPECT_EQ(node.StateOf(10), CudaState::kRunning);
  EXPECT_EQ(node.StateOf(11), CudaState::kLocked);  // someone else's lock
  EXPECT_EQ(node.StateOf(12), CudaState::kCheckpointed);
  EXPECT_EQ(reports[0].state, CudaState::kRunning);
  EXPECT_EQ(node.CountCalls("--action checkpoint --pid 11"), 0);
}

TEST(ProcessCheckpointerTest, AProcessThatExitedSinceItWasListedIsSkipped) {
  FakeCudaNode node(NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT);
  node.AddProcess(10, 1, true);
  ASSERT_OK_AND_ASSIGN(auto checkpointer, Open(node));
  EXPECT_OK(checkpointer->Suspend({10, 99}).status());
  EXPECT_EQ(node.StateOf(10), CudaState::kCheckpointed);
  // Only when every one is gone is the target not found.
  EXPECT_THAT(checkpointer->Suspend({98, 99}).status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("pid 98")));
}

TEST(ProcessCheckpointerTest, ResumeRestoresAProcessWhoseStateCannotBeRead) {
  FakeCudaNode node(NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT);
  node.AddProcess(10, 1, true, CudaState::kCheckpointed);
  node.AddProcess(11, 1, true, CudaState::kCheckpointed);
  node.InjectFailure("get-state", 11);
  ASSERT_OK_AND_ASSIGN(auto checkpointer, Open(node));
  EXPECT_FALSE(checkpointer->Resume({10, 11}).ok());  // it still says why
  EXPECT_EQ(node.StateOf(10), CudaState::kRunning);
  EXPECT_EQ(node.StateOf(11), CudaState::kRunning);
}

TEST(ProcessCheckpointerTest, MalformedToolOutputIsAnError) {
  FakeCudaNode node(NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT);
  node.AddProcess(10, 1, true);
  node.tree().AddFile("/fake-cuda-checkpoint/10", "sleeping 100010\n");
  ASSERT_OK_AND_ASSIGN(auto checkpointer, Open(node));
  std::vector<ProcessReport> reports = checkpointer->Inspect({10});
  EXPECT_EQ(reports[0].state, CudaState::kUnknown);
  EXPECT_THAT(reports[0].status,
              StatusIs(absl::StatusCode::kInternal, HasSubstr("\"sleeping\", not a state")));
  EXPECT_THAT(checkpointer->Suspend({10}).status(), StatusIs(absl::StatusCode::kInternal));
}

TEST(ProcessCheckpointerTest, ResumeKillsALockLeftHangingByAKilledSuspend) {
  FakeCudaNode node(NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT);
  node.AddProcess(10, 1, true, CudaState::kRunning);
  node.AddProcess(11, 1, true, CudaState::kCheckpointed);
  node.InjectHang("lock", 10);
  ToolCallProcess call(node, {"--action", "lock", "--pid", "10"});
  ASSERT_OK_AND_ASSIGN(auto checkpointer, Open(node));
  StaleCallsOutcome stale;
  ASSERT_OK(checkpointer->Resume({10, 11}, &stale).status());
  ASSERT_EQ(stale.killed.size(), 1u);
  EXPECT_EQ(stale.killed[0].pid, call.pid());
  EXPECT_EQ(stale.killed[0].action, "lock");
  EXPECT_THAT(stale.killed[0].command, HasSubstr("--action lock --pid 10"));
  EXPECT_TRUE(stale.ended.empty());
  EXPECT_TRUE(call.ended());
  EXPECT_EQ(node.StateOf(10), CudaState::kRunning);
  EXPECT_EQ(node.StateOf(11), CudaState::kRunning);
}

TEST(ProcessCheckpointerTest, ResumeRefusesWhileACheckpointLeftByAKilledSuspendRuns) {
  // It may be copying GPU memory: killing it could leave the process
  // half-checkpointed, so the operator is told which call it is.
  FakeCudaNode node(NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT);
  node.AddProcess(10, 1, true, CudaState::kLocked);
  node.AddProcess(11, 1, true, CudaState::kCheckpointed);
  node.InjectHang("checkpoint", 10);
  ToolCallProcess call(node, {"--action", "checkpoint", "--pid", "10"});
  ASSERT_OK_AND_ASSIGN(auto checkpointer, Open(node));
  StaleCallsOutcome stale;
  EXPECT_THAT(checkpointer->Resume({10, 11}, &stale).status(),
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(HasSubstr(absl::StrCat("cuda-checkpoint call ", call.pid())),
                             HasSubstr("may be copying GPU memory"),
                             HasSubstr("nothing was resumed"))));
  ASSERT_EQ(stale.busy.size(), 1u);
  EXPECT_FALSE(call.ended());
  EXPECT_EQ(node.StateOf(10), CudaState::kLocked);
  EXPECT_EQ(node.StateOf(11), CudaState::kCheckpointed);
}

TEST(ProcessCheckpointerTest, ResumeWaitsForACallLeftByAKilledSuspendToEnd) {
  // The call read "locked" and writes "checkpointed" 400 ms later: a
  // resume that did not wait would unlock first and leave it checkpointed.
  FakeCudaNode node(NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT);
  node.AddProcess(10, 1, true, CudaState::kLocked);
  node.SetDelayMs(10, 400);
  ToolCallProcess call(node, {"--action", "checkpoint", "--pid", "10"});
  CheckpointerOptions options;
  options.host_root = node.prefix();
  options.lock_timeout = absl::Seconds(20);
  ASSERT_OK_AND_ASSIGN(auto checkpointer, ProcessCheckpointer::Create(
                                              options, Environment::FromMap({{"PATH", "/"}})));
  StaleCallsOutcome stale;
  ASSERT_OK(checkpointer->Resume({10}, &stale).status());
  ASSERT_EQ(stale.ended.size(), 1u);
  EXPECT_EQ(stale.ended[0].pid, call.pid());
  EXPECT_TRUE(stale.killed.empty());
  EXPECT_EQ(node.StateOf(10), CudaState::kRunning);
}

TEST(ProcessCheckpointerTest, ResumeLeavesTheCallsOfARunThatStillGoesAlone) {
  FakeCudaNode node(NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT);
  node.AddProcess(10, 1, true, CudaState::kRunning);
  node.InjectHang("lock", 10);
  ToolCallProcess call(node, {"--action", "lock", "--pid", "10"}, "gpulet");
  ASSERT_NE(call.pid(), call.owner());
  ASSERT_OK_AND_ASSIGN(auto checkpointer, Open(node));
  StaleCallsOutcome stale;
  EXPECT_THAT(checkpointer->Resume({10}, &stale).status(),
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(HasSubstr("of a gpulet or criu that still runs"),
                             HasSubstr(absl::StrCat("(pid ", call.owner(), ")")))));
  ASSERT_EQ(stale.owned.size(), 1u);
  EXPECT_EQ(kill(call.pid(), 0), 0);  // not killed
}

TEST(ProcessCheckpointerTest, ResumeLeavesCallsOnOtherProcessesAlone) {
  FakeCudaNode node(NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT);
  node.AddProcess(10, 1, true, CudaState::kCheckpointed);
  node.AddProcess(20, 1, true, CudaState::kLocked);
  node.InjectHang("checkpoint", 20);
  ToolCallProcess call(node, {"--action", "checkpoint", "--pid", "20"});
  ASSERT_OK_AND_ASSIGN(auto checkpointer, Open(node));
  StaleCallsOutcome stale;
  ASSERT_OK(checkpointer->Resume({10}, &stale).status());
  EXPECT_TRUE(stale.killed.empty() && stale.ended.empty());
  EXPECT_FALSE(call.ended());
  EXPECT_EQ(node.StateOf(10), CudaState::kRunning);
}

}  // namespace
}  // namespace gpulet::checkpoint

// `gpulet checkpoint suspend|resume|status` as a process, on a fixture host
// root with the fake cuda-checkpoint: targets, the table, rollback, the
// exit codes, and what a killed or interrupted suspend leaves behind.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "checkpoint_node.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

extern char** environ;

namespace gpulet::testing {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;

const std::string kPodUid = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
const std::string kTrainer = std::string(60, 'a') + "0001";
const std::string kSidecar = std::string(60, 'b') + "0002";
constexpr int kCudaProcesses = 64;
constexpr pid_t kFirst = 1000;

std::string ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The cuda-checkpoint calls of `node` still acting on `target`: they run
// in process groups of their own, so killing gpulet's group leaves them.
// Other tests running beside this one use the same fake PIDs, so a call
// is this node's only if it has the node's state directory.
std::vector<pid_t> ToolCallsOn(const CheckpointNode& node, pid_t target) {
  const std::string needle = "--pid" + std::string(1, '\0') + std::to_string(target);
  const std::string owner = "FAKE_CUDA_CHECKPOINT_DIR=" + node.state_dir() + std::string(1, '\0');
  std::vector<pid_t> calls;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string cmdline = ReadWholeFile(entry.path() / "cmdline");
    if (cmdline.find("cuda-checkpoint") != std::string::npos &&
        cmdline.find(needle + std::string(1, '\0')) != std::string::npos &&
        ReadWholeFile(entry.path() / "environ").find(owner) != std::string::npos) {
      calls.push_back(std::atoi(entry.path().filename().c_str()));
    }
  }
  return calls;
}

// A pod with a 64-process CUDA container (plus three CPU-only processes in
// it) and a CUDA sidecar.
class CheckpointCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string trainer = ContainerCgroup(kPodUid, kTrainer);
    for (pid_t pid = kFirst; pid < kFirst + kCudaProcesses; ++pid) {
      node_.AddProcess(pid, pid == kFirst ? 1 : kFirst, trainer, true);
    }
    for (pid_t pid = 1100; pid < 1103; ++pid) node_.AddProcess(pid, kFirst, trainer, false);
    node_.AddProcess(2000, 1, ContainerCgroup(kPodUid, kSidecar), true);
    node_.AddProcess(3000, 1, "0::/system.slice/ssh.service\n", false);
  }

  int CountState(const std::string& state) const {
    int n = 0;
    for (pid_t pid = kFirst; pid < kFirst + kCudaProcesses; ++pid) n += node_.State(pid) == state;
    return n;
  }

  static bool WaitFor(const std::function<bool()>& done) {
    for (int i = 0; i < 3000; ++i) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  // Starts `gpulet checkpoint <args>` in a process group of its own.
  pid_t Start(const std::string& args) const {
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    const std::string command =
        "exec " + node_.CommandLine(args) + " >/dev/null 2>" + StartedErrPath();
    const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
    pid_t pid = -1;
    posix_spawn(&pid, "/bin/sh", nullptr, &attr, const_cast<char**>(argv), environ);
    posix_spawnattr_destroy(&attr);
    return pid;
  }

  // Where the stderr of the gpulet Start() ran last goes, for a failure's
  // message.
  std::string StartedErrPath() const {
    return (std::filesystem::path(::testing::TempDir()) /
            ("started-" + std::to_string(getpid()) + ".err"))
        .string();
  }
  std::string StartedErr() const { return ReadWholeFile(StartedErrPath()); }

  static int Wait(pid_t pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  }

  // Kills `gpulet`'s process group outright and returns its one tool call
  // left acting on `target`, shown in the node's /proc; -1 when there is
  // not exactly one.
  pid_t KillLeavingOneCallOn(pid_t gpulet, pid_t target) {
    EXPECT_EQ(kill(-gpulet, SIGKILL), 0);
    EXPECT_EQ(Wait(gpulet), -SIGKILL);
    std::vector<pid_t> left = ToolCallsOn(node_, target);
    EXPECT_EQ(left.size(), 1u);
    if (left.size() != 1) return -1;
    node_.MirrorRealProcess(left[0]);
    return left[0];
  }

  CheckpointNode node_;
};

TEST_F(CheckpointCommandTest, SuspendsAContainerInParallelAndResumesIt) {
  GpuletRun suspend = node_.Run("suspend --container " + kTrainer.substr(0, 13));
  ASSERT_EQ(suspend.exit_code, 0) << suspend.err;
  EXPECT_EQ(CountState("checkpointed"), kCudaProcesses);
  EXPECT_EQ(node_.State(2000), "running");  // the sidecar is another container
  // CPU-only processes cost no tool call.
  EXPECT_EQ(node_.Calls("--pid 1100"), 0);
  EXPECT_THAT(suspend.out, HasSubstr("PID   STATE         RESTORE TID  GPU MEMORY"));
  EXPECT_THAT(suspend.out, ContainsRegex("\n1000 +checkpointed +101000 +-\n"));
  EXPECT_THAT(suspend.out, ContainsRegex("\n1100 +not-cuda +- +-\n"));

  GpuletRun status = node_.Run("status --container containerd://" + kTrainer);
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, ContainsRegex("\n1063 +checkpointed +101063 "));

  GpuletRun resume = node_.Run("resume --container " + kTrainer);
  ASSERT_EQ(resume.exit_code, 0) << resume.err;
  EXPECT_EQ(CountState("running"), kCudaProcesses);
  EXPECT_THAT(resume.out, ContainsRegex("\n1000 +running +101000 "));
}

// The GPU MEMORY column is what the node's NVML lists for each process:
// here the mock's, with the trainer's first process on two GPUs and the
// sidecar on a MIG-less third; a process on none holds 0 MiB.
TEST_F(CheckpointCommandTest, TheTableShowsWhatTheDriverSaysEachProcessHolds) {
  const std::string control = node_.state_dir() + "/nvml-control";
  {
    std::ofstream out(control);
    out << "process 0 1000 4096\nprocess 1 1000 1024\nprocess 2 2000 300\n";
  }
  const std::string env = "GPULET_MOCK_MACHINE=dgx-h100 GPULET_MOCK_CONTROL=" + control;
  const std::string nvml = std::string(" --nvml-library ") + GPULET_MOCK_NVML_PATH;
  GpuletRun status = node_.Run("status --pid 1000" + nvml, env);
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, ContainsRegex("\n1000 +running +101000 +5120 MiB\n"));
  EXPECT_THAT(status.out, ContainsRegex("\n1100 +not-cuda +- +0 MiB\n"));
  EXPECT_EQ(status.err, "");
  GpuletRun sidecar = node_.Run("status --pid 2000" + nvml, env);
  EXPECT_THAT(sidecar.out, ContainsRegex("\n2000 +running +102000 +300 MiB\n"));
  // A GPU that cannot be read leaves the others' figures and says so.
  std::ofstream(control, std::ios::app) << "lost 1\n";
  GpuletRun lost = node_.Run("status --pid 1000" + nvml, env);
  ASSERT_EQ(lost.exit_code, 0) << lost.err;
  EXPECT_THAT(lost.out, ContainsRegex("\n1000 +running +101000 +4096 MiB\n"));
  EXPECT_THAT(lost.out, ContainsRegex("\n1100 +not-cuda +- +-\n"));
  EXPECT_THAT(lost.err, HasSubstr("GPU memory incomplete: GPU 1: "));
  // Without NVML the column is empty and the reason is one line.
  GpuletRun none = node_.Run("status --pid 1000 --nvml-library /nonexistent/libnvidia-ml.so.1");
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_THAT(none.out, ContainsRegex("\n1000 +running +101000 +-\n"));
  EXPECT_THAT(none.err, HasSubstr("GPU memory not shown: "));
}

TEST_F(CheckpointCommandTest, PidTakesItsDescendants) {
  node_.AddProcess(5000, 1, "0::/user.slice\n", true);
  node_.AddProcess(5001, 5000, "0::/user.slice\n", true);
  node_.AddProcess(5002, 1, "0::/user.slice\n", true);
  GpuletRun suspend = node_.Run("suspend --pid 5000");
  ASSERT_EQ(suspend.exit_code, 0) << suspend.err;
  EXPECT_EQ(node_.State(5000), "checkpointed");
  EXPECT_EQ(node_.State(5001), "checkpointed");
  EXPECT_EQ(node_.State(5002), "running");
}

TEST_F(CheckpointCommandTest, AFailedCheckpointRollsEveryProcessBack) {
  node_.Inject("fail.checkpoint.1042");
  GpuletRun suspend = node_.Run("suspend --container " + kTrainer);
  EXPECT_EQ(suspend.exit_code, 1);
  EXPECT_THAT(suspend.err, HasSubstr("1042"));
  EXPECT_EQ(CountState("running"), kCudaProcesses);
}

TEST_F(CheckpointCommandTest, ExitCodes) {
  struct Case {
    const char* name;
    std::string args;
    int code;
    const char* message;
    std::string inject = "";  // a fake tool control file for this case
  };
  const std::string container = " --container " + kTrainer;
  for (const Case& c : {
           Case{"no target", "suspend", 2, "exactly one of"},
           Case{"two targets", "suspend --pid 1000" + container, 2, "exactly one of"},
           Case{"bad timeout", "suspend --timeout soon" + container, 2, "--timeout"},
           Case{"driver older than r555", "status" + container, 4, "r555", "old-driver"},
           Case{"tool missing", "status --cuda-checkpoint /nonexistent" + container, 5,
                "/nonexistent"},
           Case{"no CUDA process", "suspend --pid 3000", 6, "CUDA"},
           Case{"lock timeout", "suspend --timeout 200ms" + container, 7, "1007",
                "hang.lock.1007"},
           Case{"no such pid", "suspend --pid 424242", 9, "424242"},
           Case{"no such container", "suspend --container ffff", 9, "ffff"},
       }) {
    if (!c.inject.empty()) node_.Inject(c.inject);
    GpuletRun run = node_.Run(c.args);
    if (!c.inject.empty()) node_.Clear(c.inject);
    EXPECT_EQ(run.exit_code, c.code) << c.name << ": " << run.err;
    EXPECT_THAT(run.err, HasSubstr(c.message)) << c.name;
    EXPECT_EQ(CountState("running"), kCudaProcesses) << c.name;
  }
}

TEST_F(CheckpointCommandTest, NoDriver) {
  node_.RemoveGpu();
  GpuletRun run = node_.Run("status --container " + kTrainer);
  EXPECT_EQ(run.exit_code, 3) << run.err;
}

TEST_F(CheckpointCommandTest, KilledMidSuspendLeavesNothingLockedOnceResumed) {
  // One checkpoint never returns: gpulet is killed while the others are
  // locked or checkpointed, and its call on 1050 keeps running.
  node_.Inject("hang.checkpoint.1050");
  pid_t gpulet = Start("suspend --container " + kTrainer);
  ASSERT_TRUE(WaitFor([&] { return node_.Calls("--action checkpoint --pid 1050") == 1; }));
  ASSERT_TRUE(WaitFor([&] { return CountState("checkpointed") == kCudaProcesses - 1; }));
  const pid_t left = KillLeavingOneCallOn(gpulet, 1050);
  ASSERT_GT(left, 0);
  EXPECT_EQ(node_.State(1050), "locked");

  // The call left behind may be copying GPU memory: the resume names it
  // and changes nothing.
  GpuletRun refused = node_.Run("resume --timeout 300ms --container " + kTrainer);
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("cuda-checkpoint call " + std::to_string(left)));
  EXPECT_THAT(refused.err, HasSubstr("may be copying GPU memory"));
  EXPECT_EQ(CountState("checkpointed"), kCudaProcesses - 1);

  // Once the operator has killed it, the resume returns every process.
  ASSERT_EQ(kill(left, SIGKILL), 0);
  GpuletRun resume = node_.Run("resume --timeout 300ms --container " + kTrainer);
  ASSERT_EQ(resume.exit_code, 0) << resume.err;
  EXPECT_EQ(CountState("running"), kCudaProcesses);
}

TEST_F(CheckpointCommandTest, ResumeKillsALockAKilledSuspendLeftHanging) {
  node_.Inject("hang.lock.1050");
  pid_t gpulet = Start("suspend --timeout 1h --container " + kTrainer);
  ASSERT_TRUE(WaitFor([&] { return CountState("locked") == kCudaProcesses - 1; }));
  const pid_t left = KillLeavingOneCallOn(gpulet, 1050);
  ASSERT_GT(left, 0);

  GpuletRun resume = node_.Run("resume --timeout 300ms --container " + kTrainer);
  ASSERT_EQ(resume.exit_code, 0) << resume.err;
  EXPECT_THAT(resume.err, HasSubstr("killed cuda-checkpoint call " + std::to_string(left) +
                                    " left by an earlier run"));
  EXPECT_THAT(resume.err, HasSubstr("--action lock --pid 1050"));
  EXPECT_EQ(CountState("running"), kCudaProcesses);
  EXPECT_TRUE(ToolCallsOn(node_, 1050).empty());
}

TEST_F(CheckpointCommandTest, SigtermDuringSuspendResumesWhatWasSuspended) {
  node_.Inject("delay-ms", "100");
  pid_t gpulet = Start("suspend --container " + kTrainer);
  ASSERT_TRUE(WaitFor([&] { return node_.Calls("--action lock") > 0; }));
  ASSERT_EQ(kill(gpulet, SIGTERM), 0);
  EXPECT_EQ(Wait(gpulet), 130) << StartedErr();
  EXPECT_EQ(CountState("running"), kCudaProcesses);
  EXPECT_EQ(node_.State(2000), "running");
}

}  // namespace
}  // namespace gpulet::testing

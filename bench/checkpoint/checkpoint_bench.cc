// checkpoint_bench: what gpulet adds around `cuda-checkpoint`, on the fake
// tool (mock/cuda_checkpoint) and fake /proc trees.
//
//   checkpoint_bench [--repeat N]
//
// 1. Per phase, gpulet's own cost per process: the CPU time gpulet itself
//    spends (getrusage(RUSAGE_SELF): spawning, reading, threads; not the
//    tool's), for 64 processes, next to one bare exec.
// 2. 64 CUDA processes whose tool calls each sleep 200 ms, one of them
//    400 ms: suspend takes about the slowest process's time, not the sum.
// 3. 100 processes of which 3 use CUDA: what the 97 others cost gpulet
//    (reading their maps) against one `--get-restore-tid` exec each
//    (upstream CRIU's plugin).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "checkpoint/cuda_discovery.h"
#include "checkpoint/prefix_host_reader.h"
#include "checkpoint/process_checkpointer.h"
#include "checkpoint/testing/fake_cuda_node.h"
#include "checkpoint/tool_runner.h"

namespace gpulet::checkpoint {
namespace {

using testing::FakeCudaNode;
using testing::NodeLayout;
using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Median of `repeat` timed runs of `fn`, in ms.
double MedianMs(int repeat, const std::function<void()>& fn) {
  std::vector<double> times;
  for (int i = 0; i < repeat; ++i) {
    auto start = Clock::now();
    fn();
    times.push_back(Ms(Clock::now() - start));
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

std::unique_ptr<ProcessCheckpointer> Open(const FakeCudaNode& node) {
  CheckpointerOptions options;
  options.host_root = node.prefix();
  auto checkpointer = ProcessCheckpointer::Create(options, Environment::FromMap({}));
  if (!checkpointer.ok()) {
    std::fprintf(stderr, "%s\n", checkpointer.status().ToString().c_str());
    std::exit(1);
  }
  return *std::move(checkpointer);
}

void Check(const absl::Status& status) {
  if (status.ok()) return;
  std::fprintf(stderr, "%s\n", status.ToString().c_str());
  std::exit(1);
}

// CPU time gpulet itself used (not its children), in ms.
double OwnCpuMs() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  auto ms = [](const timeval& t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; };
  return ms(usage.ru_utime) + ms(usage.ru_stime);
}

void PerPhaseOverhead(int repeat) {
  FakeCudaNode node(NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT);
  std::vector<pid_t> pids = node.AddCudaProcesses(10, 64);
  auto checkpointer = Open(node);
  const std::string& tool = checkpointer->tool_path();
  double cpu0 = OwnCpuMs();
  double exec = MedianMs(repeat, [&] {
    ToolRun run;
    if (!RunTool({tool, "--get-state", "--pid", "100010"}, std::chrono::seconds(10), &run).ok()) {
      std::exit(1);
    }
  });
  double exec_cpu = (OwnCpuMs() - cpu0) / repeat;
  double suspend_cpu = 0, resume_cpu = 0;
  std::vector<double> s, r;
  for (int i = 0; i < std::max(1, repeat / 5); ++i) {
    double c0 = OwnCpuMs();
    auto t0 = Clock::now();
    Check(checkpointer->Suspend(pids).status());
    auto t1 = Clock::now();
    double c1 = OwnCpuMs();
    Check(checkpointer->Resume(pids).status());
    s.push_back(Ms(t1 - t0));
    r.push_back(Ms(Clock::now() - t1));
    suspend_cpu += c1 - c0;
    resume_cpu += OwnCpuMs() - c1;
  }
  double runs = static_cast<double>(s.size());
  std::sort(s.begin(), s.end());
  std::sort(r.begin(), r.end());
  // Each phase makes 4 execs per process: restore tid, state, two actions.
  std::printf("1. 64 CUDA processes, tool without delay; gpulet's own CPU (not the tool's)\n");
  std::printf("   %-34s %9.2f ms wall, %.3f ms own CPU\n", "one bare exec of the fake tool", exec,
              exec_cpu);
  std::printf("   %-34s %9.1f ms wall, %.3f ms own CPU per process (4 execs)\n",
              "suspend (lock+checkpoint)", s[s.size() / 2], suspend_cpu / runs / 64);
  std::printf("   %-34s %9.1f ms wall, %.3f ms own CPU per process (4 execs)\n",
              "resume (restore+unlock)", r[r.size() / 2], resume_cpu / runs / 64);
}

void SixtyFourInParallel() {
  FakeCudaNode node(NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT);
  std::vector<pid_t> pids = node.AddCudaProcesses(1000, 64);
  auto checkpointer = Open(node);
  node.SetDelayMs(200);
  // One slow process: its two actions sleep 200 + 200 ms more.
  node.tree().AddFile("/fake-cuda-checkpoint/delay-ms.1031", "200");
  auto start = Clock::now();
  Check(checkpointer->Suspend(pids).status());
  double suspend = Ms(Clock::now() - start);
  start = Clock::now();
  Check(checkpointer->Resume(pids).status());
  double resume = Ms(Clock::now() - start);
  std::printf("2. 64 CUDA processes, every action sleeps 200 ms (one process 400 ms)\n");
  std::printf("   %-34s %9.0f ms  (slowest process: 800 ms; one after another: %d ms)\n",
              "suspend", suspend, 63 * 400 + 800);
  std::printf("   %-34s %9.0f ms  (slowest process: 800 ms)\n", "resume", resume);
}

void NinetySevenWithoutCuda(int repeat) {
  FakeCudaNode node(NodeLayout::kStandard, FAKE_CUDA_CHECKPOINT);
  std::vector<pid_t> all, plain;
  for (pid_t pid = 2000; pid < 2100; ++pid) {
    bool cuda = pid % 33 == 0;  // 2013, 2046 and 2079
    node.AddProcess(pid, 1, cuda);
    all.push_back(pid);
    if (!cuda) plain.push_back(pid);
  }
  auto checkpointer = Open(node);
  PrefixHostReader reader(node.prefix());
  CudaTool tool(checkpointer->tool_path());
  double with_all = MedianMs(repeat, [&] { DiscoverCudaProcesses(reader, tool, all, 64); });
  double others = MedianMs(repeat, [&] { DiscoverCudaProcesses(reader, tool, plain, 64); });
  double upstream = MedianMs(std::max(1, repeat / 4), [&] {
    for (pid_t pid : plain) {
      pid_t tid;
      (void)tool.GetRestoreTid(pid, &tid);
    }
  });
  std::printf("3. 100 processes, 3 use CUDA: finding them, per phase\n");
  std::printf("   %-34s %9.2f ms\n", "gpulet, all 100", with_all);
  std::printf("   %-34s %9.2f ms  (%.3f ms each: a maps read, no exec)\n",
              "gpulet, the 97 others alone", others, others / 97);
  std::printf("   %-34s %9.2f ms  (%.2f ms each)\n", "97 --get-restore-tid execs (upstream)",
              upstream, upstream / 97);
}

}  // namespace
}  // namespace gpulet::checkpoint

int main(int argc, char** argv) {
  int repeat = 20;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--repeat") == 0) repeat = std::max(1, std::atoi(argv[i + 1]));
  }
  gpulet::checkpoint::PerPhaseOverhead(repeat);
  gpulet::checkpoint::SixtyFourInParallel();
  gpulet::checkpoint::NinetySevenWithoutCuda(repeat);
  return 0;
}

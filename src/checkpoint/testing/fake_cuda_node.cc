#include "checkpoint/testing/fake_cuda_node.h"

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "hostfs/testing/node_layouts.h"

namespace gpulet::checkpoint::testing {
namespace {

namespace fs = std::filesystem;
using hostfs::testing::TwoFixtureGpus;

constexpr pid_t kTidOffset = 100000;

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, std::string_view content) {
  std::ofstream out(path, std::ios::trunc);
  out << content;
  if (!out) {
    std::fprintf(stderr, "FakeCudaNode: cannot write %s\n", path.c_str());
    std::abort();
  }
}

std::string MapsText(bool libcuda) {
  std::string maps =
      "55d0c0a00000-55d0c0a21000 r-xp 00000000 08:01 1234  /usr/bin/python3\n"
      "7f1c2a000000-7f1c2a200000 r-xp 00000000 08:01 5678  "
      "/usr/lib/x86_64-linux-gnu/libc.so.6\n";
  if (libcuda) {
    maps += "7f1c2b000000-7f1c2c000000 r-xp 00000000 08:01 9012  "
            "/usr/lib/x86_64-linux-gnu/libcuda.so.570.86.15\n";
  }
  return maps + "7ffd3a000000-7ffd3a021000 rw-p 00000000 00:00 0  [stack]\n";
}

}  // namespace

std::string_view NodeLayoutName(NodeLayout layout) {
  switch (layout) {
    case NodeLayout::kStandard: return "standard";
    case NodeLayout::kGpuOperator: return "gpu-operator";
    case NodeLayout::kGkeCos: return "gke-cos";
    case NodeLayout::kNoDriver: return "no-driver";
    case NodeLayout::kNoNvidiactl: return "no-nvidiactl";
  }
  return "?";
}

std::string NodeLayoutTestName(NodeLayout layout) {
  std::string name(NodeLayoutName(layout));
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

std::string ToolHostPath(NodeLayout layout) {
  switch (layout) {
    case NodeLayout::kStandard:
    case NodeLayout::kNoNvidiactl: return "/usr/bin/cuda-checkpoint";
    case NodeLayout::kGpuOperator: return "/run/nvidia/driver/usr/bin/cuda-checkpoint";
    case NodeLayout::kGkeCos: return "/home/kubernetes/bin/nvidia/bin/cuda-checkpoint";
    case NodeLayout::kNoDriver: return "";
  }
  return "";
}

FakeCudaNode::FakeCudaNode(NodeLayout layout, const std::string& tool) {
  switch (layout) {
    case NodeLayout::kStandard:
    case NodeLayout::kNoNvidiactl:
      hostfs::testing::BuildStandardLayout(tree_, TwoFixtureGpus());
      break;
    case NodeLayout::kGpuOperator:
      hostfs::testing::BuildGpuOperatorLayout(tree_, TwoFixtureGpus());
      break;
    case NodeLayout::kGkeCos:
      hostfs::testing::BuildGkeCosLayout(tree_, TwoFixtureGpus());
      break;
    case NodeLayout::kNoDriver:
      tree_.AddDirectory("/proc");
      break;
  }
  if (layout == NodeLayout::kNoNvidiactl) tree_.Remove("/dev/nvidiactl");
  if (std::string host_path = ToolHostPath(layout); !host_path.empty()) {
    tree_.AddFile(host_path, "");
    fs::copy_file(tool, tree_.PathOf(host_path), fs::copy_options::overwrite_existing);
    fs::permissions(tree_.PathOf(host_path), fs::perms::owner_all | fs::perms::group_exec |
                                                 fs::perms::others_exec);
  }
  state_dir_ = tree_.PathOf("/fake-cuda-checkpoint");
  fs::create_directories(state_dir_);
  setenv("FAKE_CUDA_CHECKPOINT_DIR", state_dir_.c_str(), 1);
}

FakeCudaNode::~FakeCudaNode() { unsetenv("FAKE_CUDA_CHECKPOINT_DIR"); }

void FakeCudaNode::AddProcess(pid_t pid, pid_t ppid, bool cuda, CudaState state) {
  std::string dir = "/proc/" + std::to_string(pid);
  tree_.AddFile(dir + "/stat", std::to_string(pid) + " (python3 (x) y) S " +
                                   std::to_string(ppid) + " 1 1 0 -1 4194560\n");
  tree_.AddFile(dir + "/maps", MapsText(cuda));
  if (cuda) SetState(pid, state);
}

std::vector<pid_t> FakeCudaNode::AddCudaProcesses(pid_t first, int count) {
  std::vector<pid_t> pids;
  for (pid_t pid = first; pid < first + count; ++pid) {
    AddProcess(pid, 1, /*cuda=*/true);
    pids.push_back(pid);
  }
  return pids;
}

void FakeCudaNode::LinkRealProcess(pid_t pid) {
  tree_.AddSymlink("/proc/" + std::to_string(pid), "/proc/" + std::to_string(pid));
}

void FakeCudaNode::MirrorRealProcess(pid_t pid) {
  const std::string dir = "/proc/" + std::to_string(pid);
  // Just after posix_spawn() a child's cmdline still reads empty.
  std::string cmdline = Slurp(dir + "/cmdline");
  for (int i = 0; i < 500 && cmdline.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    cmdline = Slurp(dir + "/cmdline");
  }
  tree_.AddFile(dir + "/cmdline", cmdline);
  tree_.AddFile(dir + "/stat", Slurp(dir + "/stat"));
}

void FakeCudaNode::AddLibcudaOnlyProcess(pid_t pid, pid_t ppid) {
  AddProcess(pid, ppid, /*cuda=*/false);
  tree_.AddFile("/proc/" + std::to_string(pid) + "/maps", MapsText(true));
}

CudaState FakeCudaNode::StateOf(pid_t pid) const {
  std::istringstream in(Slurp(state_dir_ + "/" + std::to_string(pid)));
  std::string word;
  if (!(in >> word)) return CudaState::kNotCuda;
  return ParseToolState(word).value_or(CudaState::kUnknown);
}

void FakeCudaNode::SetState(pid_t pid, CudaState state) {
  WriteFile(state_dir_ + "/" + std::to_string(pid),
            std::string(CudaStateName(state)) + " " + std::to_string(pid + kTidOffset) + "\n");
}

void FakeCudaNode::InjectFailure(std::string_view action, pid_t pid) {
  WriteFile(state_dir_ + "/fail." + std::string(action) + "." + std::to_string(pid), "");
}

void FakeCudaNode::InjectHang(std::string_view action, pid_t pid) {
  WriteFile(state_dir_ + "/hang." + std::string(action) + "." + std::to_string(pid), "");
}

void FakeCudaNode::UseOldDriver() { WriteFile(state_dir_ + "/old-driver", ""); }

void FakeCudaNode::SetDelayMs(int ms) { WriteFile(state_dir_ + "/delay-ms", std::to_string(ms)); }

void FakeCudaNode::SetDelayMs(pid_t pid, int ms) {
  WriteFile(state_dir_ + "/delay-ms." + std::to_string(pid), std::to_string(ms));
}

void FakeCudaNode::SetBarrier(std::string_view action, int n) {
  WriteFile(state_dir_ + "/barrier." + std::string(action), std::to_string(n));
}

std::vector<std::string> FakeCudaNode::Calls() const {
  std::vector<std::string> calls;
  std::istringstream in(Slurp(state_dir_ + "/calls.log"));
  for (std::string line; std::getline(in, line);) calls.push_back(line);
  return calls;
}

int FakeCudaNode::CountCalls(std::string_view needle) const {
  std::vector<std::string> calls = Calls();
  return static_cast<int>(std::count_if(calls.begin(), calls.end(), [&](const std::string& c) {
    return c.find(needle) != std::string::npos;
  }));
}

}  // namespace gpulet::checkpoint::testing

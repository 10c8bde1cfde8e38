// FakeCudaNode: a fake node for checkpoint tests: one of the driver layouts
// as a FixtureTree, the fake cuda-checkpoint installed where that layout
// keeps binaries, fake processes under its /proc, and the fake tool's state
// dir (see mock/cuda_checkpoint/fake_cuda_checkpoint.cc).
//
// The constructor points $FAKE_CUDA_CHECKPOINT_DIR at the state dir, so the
// tool gpulet runs, which inherits gpulet's environment, finds it. One
// FakeCudaNode at a time per test process.
//
// Test-only; not thread-safe.
#ifndef GPULET_CHECKPOINT_TESTING_FAKE_CUDA_NODE_H_
#define GPULET_CHECKPOINT_TESTING_FAKE_CUDA_NODE_H_

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "checkpoint/cuda_state.h"
#include "hostfs/testing/fixture_tree.h"

namespace gpulet::checkpoint::testing {

enum class NodeLayout {
  kStandard,     // driver and tool on the host (/usr/bin/cuda-checkpoint)
  kGpuOperator,  // /run/nvidia/driver/usr/bin, no host /dev/nvidiactl
  kGkeCos,       // /home/kubernetes/bin/nvidia/bin
  kNoDriver,     // no /proc/driver/nvidia/gpus, no tool
  kNoNvidiactl,  // standard, but /dev/nvidiactl removed
};

std::string_view NodeLayoutName(NodeLayout layout);
// NodeLayoutName with '_' for '-', as a parameterized test's name.
std::string NodeLayoutTestName(NodeLayout layout);

// The host path where `layout` keeps cuda-checkpoint ("" for kNoDriver).
std::string ToolHostPath(NodeLayout layout);

class FakeCudaNode {
 public:
  // `tool` is the built fake cuda-checkpoint; it is copied into the layout.
  FakeCudaNode(NodeLayout layout, const std::string& tool);
  ~FakeCudaNode();
  FakeCudaNode(const FakeCudaNode&) = delete;
  FakeCudaNode& operator=(const FakeCudaNode&) = delete;

  hostfs::testing::FixtureTree& tree() { return tree_; }
  const std::string& prefix() const { return tree_.prefix(); }
  const std::string& state_dir() const { return state_dir_; }

  // A process under the tree's /proc with parent `ppid`; a CUDA one maps
  // libcuda.so.1 and is registered with the tool in `state`, with restore
  // TID pid + 100000.
  void AddProcess(pid_t pid, pid_t ppid, bool cuda, CudaState state = CudaState::kRunning);
  // `count` running CUDA processes from pid `first` on, children of pid 1;
  // returns their pids.
  std::vector<pid_t> AddCudaProcesses(pid_t first, int count);
  // Makes real process `pid` visible under the tree's /proc (a symlink the
  // kernel follows; only PrefixHostReader, which lets it, sees through).
  void LinkRealProcess(pid_t pid);
  // Copies real process `pid`'s cmdline and stat under the tree's /proc
  // (what the host shows of a tool call a test started, and its parent).
  void MirrorRealProcess(pid_t pid);
  // Maps libcuda but unknown to the tool (loaded it, never made a context).
  void AddLibcudaOnlyProcess(pid_t pid, pid_t ppid);

  // The tool's state of `pid`: kNotCuda when it has none.
  CudaState StateOf(pid_t pid) const;
  void SetState(pid_t pid, CudaState state);

  // Makes `action` ("lock", "get-state", ...) fail or hang for `pid`.
  void InjectFailure(std::string_view action, pid_t pid);
  void InjectHang(std::string_view action, pid_t pid);
  // Makes the tool's `-h` look like an r550 driver's (no --action).
  void UseOldDriver();
  // Every action sleeps `ms` first.
  void SetDelayMs(int ms);
  // The same for the calls on `pid` only.
  void SetDelayMs(pid_t pid, int ms);
  // `action` proceeds only once `n` calls of it have started: it succeeds
  // only when they run in parallel.
  void SetBarrier(std::string_view action, int n);

  // The argv (after argv[0]) of every tool call so far, in order.
  std::vector<std::string> Calls() const;
  // How many of those contain `needle`.
  int CountCalls(std::string_view needle) const;

 private:
  hostfs::testing::FixtureTree tree_;
  std::string state_dir_;
};

}  // namespace gpulet::checkpoint::testing

#endif  // GPULET_CHECKPOINT_TESTING_FAKE_CUDA_NODE_H_

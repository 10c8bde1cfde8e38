// CheckpointNode: a fake node for process tests of `gpulet checkpoint` — a
// host root with /proc entries (stat, cgroup, maps) for made-up PIDs, one
// GPU, the fake cuda-checkpoint in /usr/bin, and the fake tool's state
// directory with a "running" entry for each CUDA process. The PIDs need not
// exist: the fake tool keeps its state in files, and gpulet reads /proc
// through --host-root.
//
// Test-only; not thread-safe.
#ifndef GPULET_TESTS_CHECKPOINT_CHECKPOINT_NODE_H_
#define GPULET_TESTS_CHECKPOINT_CHECKPOINT_NODE_H_

#include <sys/types.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gpulet_run.h"
#include "hostfs/testing/fixture_tree.h"

namespace gpulet::testing {

// The systemd-driver cgroup of a containerd container in a pod.
std::string ContainerCgroup(const std::string& pod_uid, const std::string& container_id);

class CheckpointNode {
 public:
  CheckpointNode();
  ~CheckpointNode();
  CheckpointNode(const CheckpointNode&) = delete;
  CheckpointNode& operator=(const CheckpointNode&) = delete;

  // A process with `cgroup` (the text of /proc/<pid>/cgroup); a CUDA one
  // maps libcuda.so.1 and is "running" for the fake tool.
  void AddProcess(pid_t pid, pid_t parent, const std::string& cgroup, bool cuda);
  void RemoveGpu();
  // Shows real process `pid` under the tree's /proc with its cmdline until
  // it exits or is a zombie, as the host's /proc does (init here does not
  // reap orphans, so a zombie stays).
  void MirrorRealProcess(pid_t pid);

  // The fake tool's controls (see mock/cuda_checkpoint).
  // e.g. "hang.lock.1001", "old-driver", or ("delay-ms", "200").
  void Inject(const std::string& file, const std::string& content = "");
  void Clear(const std::string& file);
  // The fake tool's state of `pid` ("running", "locked", "checkpointed").
  std::string State(pid_t pid) const;
  // How many tool calls had `needle` in their argv.
  int Calls(const std::string& needle) const;

  // `gpulet checkpoint <args> --host-root <root>` with the fake tool's
  // environment, plus `env` ("A=1 B=2").
  GpuletRun Run(const std::string& args, const std::string& env = "") const;
  // The same command line for a shell, e.g. to run it in the background.
  std::string CommandLine(const std::string& args) const;

  const std::string& state_dir() const { return state_dir_; }

 private:
  hostfs::testing::FixtureTree tree_;
  std::string state_dir_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> mirrors_;
};

}  // namespace gpulet::testing

#endif  // GPULET_TESTS_CHECKPOINT_CHECKPOINT_NODE_H_

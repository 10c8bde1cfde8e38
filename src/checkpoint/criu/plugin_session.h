// PluginSession: what the CUDA plugin does during one CRIU run (one init,
// the hooks, one fini), as plain C++ the C entry points forward to.
//
// Dump: the first PAUSE_DEVICES (CRIU calls it for the root task first)
// lists the whole process tree from /proc, keeps the processes that map
// libcuda and that cuda-checkpoint confirms, and locks them all in
// parallel; later calls for tasks of that tree cost nothing. The first
// CHECKPOINT_DEVICES, once CRIU has seized the tree, lets each restore
// thread run and checkpoints them all in parallel. Any failure rolls every
// task back to the state it had (running and unlocked) before the hook
// returns the error; fini does the same when the dump failed or the tasks
// stay alive (--leave-running, or when that cannot be learned).
// Pre-dump disables the plugin. Tasks found already locked or checkpointed
// are left so.
//
// Restore: the first RESUME_DEVICES_LATE restores and unlocks every CUDA
// task of the restored tree in parallel. CRIU ignores that hook's result,
// so a failure is logged as an error line of its own.
//
// Not thread-safe: CRIU calls hooks from its main thread, one at a time.
#ifndef GPULET_CHECKPOINT_CRIU_PLUGIN_SESSION_H_
#define GPULET_CHECKPOINT_CRIU_PLUGIN_SESSION_H_

#include <sys/types.h>

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "checkpoint/criu/criu_internals.h"
#include "checkpoint/cuda_discovery.h"
#include "checkpoint/cuda_tool.h"
#include "checkpoint/prefix_host_reader.h"
#include "checkpoint/process_group.h"
#include "config/environment.h"

namespace gpulet::checkpoint::criu {

// The name CRIU registers and writes into image inventories; upstream's
// plugin uses the same, so images restore with either.
inline constexpr char kPluginName[] = "cuda_plugin";

struct PluginConfig {
  std::string host_root = "/";  // GPULET_HOST_ROOT: where the host's "/" is
  std::string tool_path;        // GPULET_CUDA_CHECKPOINT: configured tool
  std::string path_env;         // PATH
  int parallelism = 64;

  static PluginConfig FromEnvironment(const Environment& env);
};

class PluginSession {
 public:
  PluginSession(PluginConfig config, CriuInternals criu);

  // Returns 0 always: a non-zero init aborts CRIU, and a node without GPUs
  // must still dump plain containers. Logs one line saying whether the
  // plugin is enabled, and if not, why.
  int Init(int stage);
  void Fini(int stage, int ret);

  // 0 when done, -ENOTSUP when disabled, -1 on failure.
  int PauseDevices(pid_t pid);
  int CheckpointDevices(pid_t pid);
  int ResumeDevicesLate(pid_t pid);

  bool enabled() const { return enabled_; }

 private:
  // The reason the plugin cannot run now, or "" when it can.
  std::string Enable(int stage);
  // Discovers the CUDA processes among `pids` and adds them to `group`.
  // Reads their state, so the tasks must not be stopped by CRIU.
  PlainStatus Track(const std::vector<pid_t>& pids, ProcessGroup& group);
  // Adds what discovery found to `group` (ProcessGroup::Join), marks every
  // pid seen and returns the first failure to learn a state.
  PlainStatus Join(const std::vector<DiscoveredProcess>& found, ProcessGroup& group,
                   UnknownState unknown);
  // Runs `step` with the restore threads `tids` resumed. A thread that
  // cannot be resumed fails the call before `step` when `all_needed`
  // (a checkpoint would hang on it); otherwise it is logged and `step` runs
  // anyway (a rollback must still unlock every task it can).
  PlainStatus WithRestoreThreads(const std::vector<pid_t>& tids, bool all_needed,
                                 const std::function<PlainStatus()>& step);
  PlainStatus WithRestoreThreads(const ProcessGroup& group, bool all_needed,
                                 const std::function<PlainStatus()>& step);
  // Logs `failure`, rolls the dump's group back and fails the dump.
  int FailDump(const PlainStatus& failure);
  void Log(unsigned level, const std::string& line) const;

  const PluginConfig config_;
  const CriuInternals criu_;
  const PrefixHostReader reader_;
  std::unique_ptr<CudaTool> tool_;
  std::unique_ptr<ProcessGroup> group_;
  std::set<pid_t> seen_;  // pids whose CUDA status is known
  bool enabled_ = false;
  bool discovered_ = false;
  bool checkpointed_ = false;
  bool failed_ = false;
  bool rolled_back_ = false;  // after a failure, by the failing hook
  bool inventory_recorded_ = false;
};

}  // namespace gpulet::checkpoint::criu

#endif  // GPULET_CHECKPOINT_CRIU_PLUGIN_SESSION_H_

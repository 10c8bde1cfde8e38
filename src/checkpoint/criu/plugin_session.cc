#include "checkpoint/criu/plugin_session.h"

#include <cerrno>
#include <chrono>
#include <utility>

#include "checkpoint/checkpoint_support.h"
#include "checkpoint/criu/criu_abi.h"
#include "checkpoint/criu/restore_thread.h"
#include "checkpoint/cuda_discovery.h"

namespace gpulet::checkpoint::criu {
namespace {

constexpr std::chrono::seconds kDefaultLockTimeout{10};

std::string Count(size_t n) {
  return std::to_string(n) + (n == 1 ? " CUDA task" : " CUDA tasks");
}

}  // namespace

PluginConfig PluginConfig::FromEnvironment(const Environment& env) {
  PluginConfig config;
  config.host_root = env.Get("GPULET_HOST_ROOT").value_or("/");
  config.tool_path = env.Get("GPULET_CUDA_CHECKPOINT").value_or("");
  config.path_env = env.Get("PATH").value_or("");
  return config;
}

PluginSession::PluginSession(PluginConfig config, CriuInternals criu)
    : config_(std::move(config)), criu_(criu), reader_(config_.host_root) {}

void PluginSession::Log(unsigned level, const std::string& line) const {
  criu_.Log(level, line);
}

std::string PluginSession::Enable(int stage) {
  if (stage == kStagePreDump) return "pre-dump is not supported for CUDA tasks";
  std::string tool_path;
  PlainStatus support =
      CheckCheckpointSupport(reader_, config_.tool_path, config_.path_env, {}, &tool_path);
  if (!support.ok()) return support.message();
  // Only now: taking the name off the image's list while disabled would
  // let CRIU restore CUDA tasks that nothing un-checkpoints.
  if (stage == kStageRestore && criu_.TakeInventoryPlugin(kPluginName) == false) {
    return "the image has no CUDA tasks";
  }
  tool_ = std::make_unique<CudaTool>(tool_path);
  return "";
}

int PluginSession::Init(int stage) {
  std::string why_not = Enable(stage);
  if (!why_not.empty()) {
    Log(kLogWarn, "disabled: " + why_not);
    return 0;
  }
  enabled_ = true;
  group_ = std::make_unique<ProcessGroup>(*tool_, config_.parallelism);
  bool interrupt_only = criu_.SetInterruptOnlyMode();
  Log(kLogInfo, "enabled: " + tool_->path() +
                    (interrupt_only ? "" : " (CRIU without interrupt-only mode)"));
  return 0;
}

PlainStatus PluginSession::Track(const std::vector<pid_t>& pids, ProcessGroup& group) {
  return Join(DiscoverCudaProcesses(reader_, *tool_, pids, config_.parallelism), group,
              UnknownState::kLeftOut);
}

PlainStatus PluginSession::Join(const std::vector<DiscoveredProcess>& found,
                                ProcessGroup& group, UnknownState unknown) {
  for (const DiscoveredProcess& p : found) seen_.insert(p.pid);
  return group.Join(found, unknown).first_failure;
}

PlainStatus PluginSession::WithRestoreThreads(const std::vector<pid_t>& tids,
                                              bool all_needed,
                                              const std::function<PlainStatus()>& step) {
  RestoreThreadPause pause;
  for (pid_t tid : tids) {
    std::string error;
    if (pause.Resume(tid, &error)) continue;
    if (all_needed) return {PlainCode::kInternal, error};
    Log(kLogError, error);
  }
  PlainStatus status = step();
  for (const std::string& error : pause.StopAll()) Log(kLogError, error);
  return status;
}

PlainStatus PluginSession::WithRestoreThreads(const ProcessGroup& group, bool all_needed,
                                              const std::function<PlainStatus()>& step) {
  std::vector<pid_t> tids;
  for (const GroupMember& m : group.members()) tids.push_back(m.restore_tid);
  return WithRestoreThreads(tids, all_needed, step);
}

int PluginSession::FailDump(const PlainStatus& failure) {
  failed_ = true;
  Log(kLogError, failure.message());
  PlainStatus rollback = WithRestoreThreads(*group_, false, [&] { return group_->RollBack(); });
  rolled_back_ = rollback.ok();
  Log(rollback.ok() ? kLogInfo : kLogError,
      rollback.ok() ? Count(group_->members().size()) + " returned to their state"
                    : "rollback failed, a task may stay CUDA-locked: " + rollback.message());
  return -1;
}

int PluginSession::PauseDevices(pid_t pid) {
  if (!enabled_) return -ENOTSUP;
  if (failed_) return -1;
  std::vector<pid_t> todo;
  if (!discovered_) {
    todo = ListProcessTree(reader_, pid);
    discovered_ = true;
  } else if (seen_.count(pid) == 0) {
    todo = {pid};  // forked after the tree was listed
  }
  if (todo.empty()) return 0;
  PlainStatus status = Track(todo, *group_);
  if (!status.ok()) return FailDump(status);
  if (group_->empty()) return 0;
  // Once: CRIU lists each name it is given, and restore takes one off.
  if (!inventory_recorded_ && criu_.in_criu()) {
    inventory_recorded_ = true;
    if (!criu_.AddInventoryPlugin(kPluginName)) {
      Log(kLogWarn, "cannot record cuda_plugin in the image inventory (CRIU 4.0?)");
    }
  }
  auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
      criu_.Timeout().value_or(kDefaultLockTimeout));
  status = group_->LockAll(timeout);
  if (!status.ok()) return FailDump(status);
  return 0;
}

int PluginSession::CheckpointDevices(pid_t pid) {
  if (!enabled_) return -ENOTSUP;
  if (failed_) return -1;
  if (!checkpointed_) {
    checkpointed_ = true;
    auto start = std::chrono::steady_clock::now();
    PlainStatus status =
        WithRestoreThreads(*group_, true, [&] { return group_->CheckpointAll(); });
    if (!status.ok()) return FailDump(status);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    Log(kLogInfo, "checkpointed " + Count(group_->members().size()) + " in " +
                      std::to_string(ms.count()) + " ms");
  }
  if (seen_.count(pid) != 0) return 0;
  // A CUDA task that PAUSE_DEVICES never saw fails the dump whatever its
  // state, so its state is not read: `--get-state` would wait for a
  // restore thread that CRIU holds stopped.
  std::vector<DiscoveredProcess> found = FindCudaProcesses(reader_, *tool_, {pid}, 1);
  seen_.insert(pid);
  const DiscoveredProcess& late = found.front();
  if (late.status.code() == PlainCode::kNotFound) return 0;
  if (!late.status.ok()) return FailDump(late.status);
  if (late.restore_tid != 0) {
    return FailDump({PlainCode::kFailedPrecondition,
                     "pid " + std::to_string(pid) + " is a CUDA task that was never locked"});
  }
  return 0;
}

void PluginSession::Fini(int stage, int ret) {
  if (!enabled_ || stage != kStageDump || group_->empty() || rolled_back_) return;
  std::optional<bool> leave_running = criu_.LeaveRunning();
  if (ret == 0 && leave_running == false) return;
  std::string why = ret != 0 ? "the dump failed"
                    : leave_running ? "tasks are left running"
                                    : "CRIU does not say whether tasks are left running";
  PlainStatus status = WithRestoreThreads(*group_, false, [&] { return group_->RollBack(); });
  Log(status.ok() ? kLogInfo : kLogError,
      status.ok() ? "resumed " + Count(group_->members().size()) + ": " + why
                  : "resuming CUDA tasks (" + why + ") failed, a task may stay CUDA-locked: " +
                        status.message());
}

int PluginSession::ResumeDevicesLate(pid_t pid) {
  if (!enabled_) return -ENOTSUP;
  std::vector<pid_t> todo;
  if (!discovered_) {
    todo = ListProcessTree(reader_, pid);
    discovered_ = true;
  } else if (seen_.count(pid) == 0) {
    todo = {pid};
  }
  if (todo.empty()) return 0;
  // CRIU holds every restored thread stopped here, and `--get-state` waits
  // for the restore thread: find the restore threads, let them run, and
  // only then ask each task's state and restore it.
  std::vector<DiscoveredProcess> found =
      FindCudaProcesses(reader_, *tool_, todo, config_.parallelism);
  std::vector<pid_t> tids;
  for (const DiscoveredProcess& p : found) {
    if (p.restore_tid != 0) tids.push_back(p.restore_tid);
  }
  ProcessGroup group(*tool_, config_.parallelism);
  PlainStatus status = WithRestoreThreads(tids, false, [&] {
    ReadCudaStates(*tool_, found, config_.parallelism);
    // Every task left out would stay checkpointed.
    PlainStatus joined = Join(found, group, UnknownState::kIsCheckpointed);
    PlainStatus resumed = group.ResumeAll();
    return joined.ok() ? resumed : joined;
  });
  if (!status.ok()) {
    // CRIU ignores this hook's result and reports success: say it here.
    Log(kLogError, "restore of CUDA state failed, CRIU's success message is wrong: " +
                       status.message());
    return -1;
  }
  if (!group.empty()) Log(kLogInfo, "restored and unlocked " + Count(group.members().size()));
  return 0;
}

}  // namespace gpulet::checkpoint::criu

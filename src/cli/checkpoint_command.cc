#include "cli/checkpoint_command.h"

#include <signal.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "base/duration.h"
#include "base/signals.h"
#include "checkpoint/target_resolver.h"
#include "cli/checkpoint_exit_code.h"
#include "cli/checkpoint_pod_command.h"
#include "cli/node_flags.h"
#include "cli/text_table.h"
#include "config/node_options.h"
#include "inventory/node_source.h"
#include "kube/client.h"
#include "kube/client_config.h"
#include "nvml/process_memory.h"

namespace gpulet::cli {
namespace {

enum class Action { kSuspend, kResume, kStatus };

struct ProcessFlags {
  std::string pid, container, pod;
  std::string host_root = "/";
  std::string tool_path;
  std::string timeout = "10s";
  int parallelism = 64;
  std::string kubeconfig;
};

void DeclareFlags(CLI::App& cmd, ProcessFlags& f) {
  cmd.add_option("--pid", f.pid, "a host PID: the process and its descendants");
  cmd.add_option("--container", f.container,
                 "a CRI container id (or a prefix, or containerd://<id>): the processes in "
                 "its cgroup");
  cmd.add_option("--pod", f.pod, "NAMESPACE/NAME: the processes in the pod's cgroups");
  cmd.add_option("--host-root", f.host_root,
                 "where the host's / is visible, e.g. /host in a pod; /proc and the driver "
                 "are read under it")
      ->capture_default_str();
  cmd.add_option("--cuda-checkpoint", f.tool_path,
                 "the cuda-checkpoint tool (a host path); default: PATH, then the driver "
                 "root's bin directories");
  cmd.add_option("--timeout", f.timeout,
                 "how long a lock may wait for CUDA work to drain (resume: how long to wait "
                 "for tool calls an earlier run left)")
      ->capture_default_str();
  cmd.add_option("--parallelism", f.parallelism, "tool processes run at once")
      ->capture_default_str();
  cmd.add_option("--kubeconfig", f.kubeconfig,
                 "for --pod: kubeconfig file (default $KUBECONFIG, in-cluster, "
                 "~/.kube/config)");
}

absl::StatusOr<checkpoint::Target> TargetOf(const ProcessFlags& f) {
  std::vector<checkpoint::Target> given;
  if (!f.pid.empty()) given.push_back({checkpoint::Target::Kind::kPid, f.pid});
  if (!f.container.empty()) given.push_back({checkpoint::Target::Kind::kContainer, f.container});
  if (!f.pod.empty()) given.push_back({checkpoint::Target::Kind::kPod, f.pod});
  if (given.size() != 1) {
    return absl::InvalidArgumentError("give exactly one of --pid, --container or --pod");
  }
  return given.front();
}

absl::StatusOr<checkpoint::CheckpointerOptions> CheckpointerOptionsOf(const ProcessFlags& f) {
  absl::StatusOr<std::chrono::nanoseconds> timeout = ParseGoDuration(f.timeout);
  if (!timeout.ok() || timeout->count() <= 0) {
    return absl::InvalidArgumentError("--timeout \"" + f.timeout +
                                      "\": expected a positive duration such as 10s");
  }
  checkpoint::CheckpointerOptions options;
  options.host_root = f.host_root;
  options.tool_path = f.tool_path;
  options.lock_timeout = absl::FromChrono(*timeout);
  options.parallelism = f.parallelism;
  return options;
}

int Fail(std::string_view verb, CheckpointStep step, const absl::Status& status) {
  std::cerr << "gpulet checkpoint " << verb << ": " << status.message() << "\n";
  return ExitCodeFor(step, status);
}

std::string_view VerbOf(Action action) {
  switch (action) {
    case Action::kSuspend:
      return "suspend";
    case Action::kResume:
      return "resume";
    case Action::kStatus:
      return "status";
  }
  return "";
}

// How gpulet sees the host: itself, or the prefix --host-root names.
absl::StatusOr<hostfs::HostView> HostViewOf(const ProcessFlags& f) {
  if (f.host_root == "/") return hostfs::HostView();
  return hostfs::HostView::AtPrefix(f.host_root);
}

// The target's PIDs; the API server is asked only for a pod.
absl::StatusOr<std::vector<pid_t>> ResolvePids(const ProcessFlags& f,
                                               const checkpoint::Target& target,
                                               const Environment& env) {
  absl::StatusOr<hostfs::HostView> view = HostViewOf(f);
  if (!view.ok()) return view.status();
  std::unique_ptr<kube::Client> client;
  if (target.kind == checkpoint::Target::Kind::kPod) {
    absl::StatusOr<kube::ClientConfig> config = kube::ResolveClientConfig(f.kubeconfig, env);
    if (!config.ok()) return config.status();
    absl::StatusOr<std::unique_ptr<kube::Client>> created = kube::Client::Create(*config);
    if (!created.ok()) return created.status();
    client = *std::move(created);
  }
  return checkpoint::TargetResolver(*std::move(view), client.get()).Resolve(target);
}

// Suspend with the termination signals held back: a suspend cut short by
// one could leave processes locked, so it runs to its end (or its
// rollback), and then each process is returned to the state it had.
absl::StatusOr<std::vector<checkpoint::ProcessReport>> SuspendUninterrupted(
    checkpoint::ProcessCheckpointer& checkpointer, const std::vector<pid_t>& pids,
    SignalWatcher* signals, bool* interrupted) {
  auto take_signal = [&] {
    absl::StatusOr<std::optional<int>> signal = signals->Wait(std::chrono::nanoseconds(0));
    *interrupted = *interrupted || (signal.ok() && signal->has_value());
    return *interrupted;
  };
  absl::StatusOr<std::vector<checkpoint::ProcessReport>> reports =
      checkpointer.Suspend(pids, [&] {
        if (take_signal()) {
          std::cerr << "gpulet checkpoint suspend: interrupted; returning the processes to "
                       "their state\n";
        }
        return *interrupted;
      });
  // A suspend that failed and rolled back never asked: the signal must
  // still be taken, or it kills gpulet once the watcher unblocks it.
  take_signal();
  return reports;
}

// Resume, saying on stderr which cuda-checkpoint calls of an earlier,
// killed suspend it waited for or stopped first.
absl::StatusOr<std::vector<checkpoint::ProcessReport>> ResumeAfterStaleCalls(
    checkpoint::ProcessCheckpointer& checkpointer, const std::vector<pid_t>& pids) {
  checkpoint::StaleCallsOutcome stale;
  absl::StatusOr<std::vector<checkpoint::ProcessReport>> reports =
      checkpointer.Resume(pids, &stale);
  auto say = [](std::string_view what, const checkpoint::ToolCall& call) {
    std::cerr << "gpulet checkpoint resume: " << what << " cuda-checkpoint call " << call.pid
              << " left by an earlier run (" << call.command << ")\n";
  };
  for (const checkpoint::ToolCall& call : stale.ended) say("waited for", call);
  for (const checkpoint::ToolCall& call : stale.killed) say("killed", call);
  return reports;
}

// What the driver says each process holds, read through the node's NVML
// (found as `gpulet info` finds it, under --host-root). A node where NVML
// cannot be read gets the table without the figures and one line saying
// why: the processes' states matter more than their memory.
std::optional<nvml::GpuMemoryReport> ReadGpuMemory(const ProcessFlags& f, const NodeFlags& node,
                                                   const Environment& env) {
  auto skip = [](const absl::Status& why) {
    std::cerr << "gpulet checkpoint: GPU memory not shown: " << why.message() << "\n";
    return std::nullopt;
  };
  absl::StatusOr<NodeOptions> options = ResolveNodeOptions(node, env);
  if (!options.ok()) return skip(options.status());
  absl::StatusOr<hostfs::HostView> base = HostViewOf(f);
  if (!base.ok()) return skip(base.status());
  absl::StatusOr<inventory::NodeSource> source = inventory::NodeSource::Open(*options, *base);
  if (!source.ok()) return skip(source.status());
  absl::StatusOr<nvml::GpuMemoryReport> report = nvml::GpuMemoryByProcess(source->nvml());
  if (!report.ok()) return skip(report.status());
  for (const std::string& gpu : report->unreadable) {
    std::cerr << "gpulet checkpoint: GPU memory incomplete: " << gpu << "\n";
  }
  return *std::move(report);
}

int RunProcesses(Action action, const ProcessFlags& f, const NodeFlags& node,
                 const Environment& env) {
  const std::string_view verb = VerbOf(action);
  // Only a suspend holds the signals back (a resume or status that hangs in
  // the tool must stay interruptible). Before any thread exists, so that
  // the tool runner's threads inherit the blocked mask.
  std::optional<SignalWatcher> signals;
  if (action == Action::kSuspend) {
    absl::StatusOr<SignalWatcher> opened = SignalWatcher::Open({SIGINT, SIGTERM, SIGHUP});
    if (!opened.ok()) return Fail(verb, CheckpointStep::kSetUp, opened.status());
    signals.emplace(*std::move(opened));
  }
  absl::StatusOr<checkpoint::Target> target = TargetOf(f);
  if (!target.ok()) return Fail(verb, CheckpointStep::kResolve, target.status());
  absl::StatusOr<checkpoint::CheckpointerOptions> options = CheckpointerOptionsOf(f);
  if (!options.ok()) return Fail(verb, CheckpointStep::kSetUp, options.status());
  absl::StatusOr<std::vector<pid_t>> pids = ResolvePids(f, *target, env);
  if (!pids.ok()) return Fail(verb, CheckpointStep::kResolve, pids.status());
  absl::StatusOr<std::unique_ptr<checkpoint::ProcessCheckpointer>> checkpointer =
      checkpoint::ProcessCheckpointer::Create(*options, env);
  if (!checkpointer.ok()) return Fail(verb, CheckpointStep::kSetUp, checkpointer.status());

  absl::StatusOr<std::vector<checkpoint::ProcessReport>> reports;
  bool interrupted = false;
  switch (action) {
    case Action::kStatus:
      reports = (*checkpointer)->Inspect(*pids);
      break;
    case Action::kSuspend:
      reports = SuspendUninterrupted(**checkpointer, *pids, &*signals, &interrupted);
      break;
    case Action::kResume:
      reports = ResumeAfterStaleCalls(**checkpointer, *pids);
      break;
  }
  if (!reports.ok()) return Fail(verb, CheckpointStep::kAct, reports.status());
  std::optional<nvml::GpuMemoryReport> memory = ReadGpuMemory(f, node, env);
  std::cout << RenderProcessReports(*reports, memory ? &*memory : nullptr);
  return interrupted ? kCheckpointInterrupted : kCheckpointOk;
}

void AddProcessCommand(CLI::App& parent, Action action, const char* help,
                       const Environment* env, CommandRunner& runner) {
  CLI::App* cmd = parent.add_subcommand(std::string(VerbOf(action)), help);
  auto flags = std::make_shared<ProcessFlags>();
  DeclareFlags(*cmd, *flags);
  // The NVML the GPU memory column is read from.
  auto node = std::make_shared<NodeFlagSet>(*cmd);
  cmd->callback([&runner, flags, node, env, action] {
    runner = [flags, node, env, action] {
      return RunProcesses(action, *flags, node->Parsed(), *env);
    };
  });
}

}  // namespace

namespace {

std::string GpuMemoryCell(pid_t pid, const nvml::GpuMemoryReport* memory) {
  if (memory == nullptr) return "-";
  auto it = memory->by_pid.find(static_cast<uint32_t>(pid));
  if (it == memory->by_pid.end()) {
    // Not on any GPU the driver answered for; unknown if one did not.
    return memory->unreadable.empty() ? "0 MiB" : "-";
  }
  if (!it->second.used_bytes) return "?";
  constexpr uint64_t kMiB = 1024 * 1024;
  return std::to_string((*it->second.used_bytes + kMiB - 1) / kMiB) + " MiB";
}

}  // namespace

std::string RenderProcessReports(const std::vector<checkpoint::ProcessReport>& reports,
                                 const nvml::GpuMemoryReport* memory) {
  TextTable table({"PID", "STATE", "RESTORE TID", "GPU MEMORY", "ERROR"});
  for (const checkpoint::ProcessReport& r : reports) {
    table.AddRow({std::to_string(r.pid), std::string(checkpoint::CudaStateName(r.state)),
                  r.restore_tid > 0 ? std::to_string(r.restore_tid) : "-",
                  GpuMemoryCell(r.pid, memory),
                  r.status.ok() ? "" : std::string(r.status.message())});
  }
  return table.Render();
}

void AddCheckpointCommand(CLI::App& app, const CommandContext& context, CommandRunner& runner) {
  CLI::App* cmd = app.add_subcommand(
      "checkpoint", "move processes' CUDA state to host memory and back; checkpoint pods");
  cmd->require_subcommand(1);
  AddProcessCommand(*cmd, Action::kSuspend,
                    "lock and checkpoint every CUDA process of the target, freeing its GPUs",
                    context.environment, runner);
  AddProcessCommand(*cmd, Action::kResume,
                    "restore and unlock every suspended or locked CUDA process of the target",
                    context.environment, runner);
  AddProcessCommand(*cmd, Action::kStatus,
                    "print the CUDA state of every process of the target",
                    context.environment, runner);
  AddCheckpointPodCommand(*cmd, context, runner);
}

}  // namespace gpulet::cli

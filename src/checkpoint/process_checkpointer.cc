#include "checkpoint/process_checkpointer.h"

#include <chrono>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "checkpoint/checkpoint_support.h"
#include "checkpoint/cuda_discovery.h"
#include "checkpoint/host_view_reader.h"
#include "checkpoint/process_group.h"
#include "hostfs/host_view.h"

namespace gpulet::checkpoint {
namespace {

std::chrono::milliseconds ToMillis(absl::Duration d) {
  return std::chrono::milliseconds(absl::ToInt64Milliseconds(d));
}

std::vector<ProcessReport> ToReports(const std::vector<DiscoveredProcess>& found) {
  std::vector<ProcessReport> reports;
  reports.reserve(found.size());
  for (const DiscoveredProcess& p : found) {
    reports.push_back({p.pid, p.restore_tid, p.state, ToAbslStatus(p.status)});
  }
  return reports;
}

// The group's CUDA processes, with the discovery reports as the rest.
std::vector<ProcessReport> MergeReports(std::vector<ProcessReport> reports,
                                        const ProcessGroup& group) {
  for (const GroupMember& m : group.members()) {
    for (ProcessReport& r : reports) {
      if (r.pid != m.pid) continue;
      r.state = m.current;
      r.status = ToAbslStatus(m.status);
    }
  }
  return reports;
}

// Why tool calls still running keep a resume from acting (the outcome is
// not clear()).
absl::Status NotResumable(const StaleCallsOutcome& calls) {
  auto named = [](const ToolCall& call) {
    return absl::StrCat("cuda-checkpoint call ", call.pid, " (", call.command, ")");
  };
  std::string why;
  if (!calls.owned.empty()) {
    const ToolCall& call = calls.owned.front();
    why = absl::StrCat(named(call), " of a gpulet or criu that still runs (pid ", call.parent,
                       ") acts on pid ", call.target, "; run the resume once it has ended");
  } else if (!calls.busy.empty()) {
    const ToolCall& call = calls.busy.front();
    why = absl::StrCat(named(call), ", left by an earlier run, still runs after the timeout; ",
                       "it may be copying GPU memory: run the resume again once it has ended, "
                       "or kill it if it is stuck");
  } else {
    const ToolCall& call = calls.left.front();
    why = absl::StrCat(named(call),
                       ", left by an earlier run, does not end even after SIGKILL; run the "
                       "resume again once it has ended");
  }
  return absl::UnavailableError(absl::StrCat(why, "; nothing was resumed"));
}

// How long a stale tool call killed before a resume may take to go.
constexpr std::chrono::milliseconds kStaleCallGrace{2000};

// Adds the CUDA processes of `found` to `group` (ProcessGroup::Join) and
// returns the first process that could not be inspected, or OK. A process
// that exited since it was listed is skipped (a container's short-lived
// processes come and go); NotFound when all did. FailedPrecondition when
// none of them is a CUDA process.
absl::Status AddCudaProcesses(const std::vector<DiscoveredProcess>& found,
                              UnknownState unknown, ProcessGroup& group) {
  const JoinResult joined = group.Join(found, unknown);
  if (!found.empty() && joined.gone == found.size()) return ToAbslStatus(found.front().status);
  if (group.empty() && joined.first_failure.ok()) {
    std::vector<pid_t> pids;
    for (const DiscoveredProcess& p : found) pids.push_back(p.pid);
    return absl::FailedPreconditionError(
        pids.size() == 1
            ? absl::StrCat("pid ", pids[0], " is not a CUDA process")
            : absl::StrCat("none of pids ", absl::StrJoin(pids, ", "), " is a CUDA process"));
  }
  return ToAbslStatus(joined.first_failure);
}

// `failure` with what the rollback after it did.
absl::Status RolledBack(const PlainStatus& failure, ProcessGroup& group) {
  PlainStatus rollback = group.RollBack();
  std::string outcome = rollback.ok() ? "every process returned to its state"
                                      : "rollback failed too: " + rollback.message();
  return ToAbslStatus({failure.code(), failure.message() + "; " + outcome});
}

}  // namespace

absl::Status ToAbslStatus(const PlainStatus& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.code()), status.message());
}

ProcessCheckpointer::ProcessCheckpointer(CheckpointerOptions options,
                                         std::shared_ptr<const HostReader> reader,
                                         CudaTool tool)
    : options_(std::move(options)), reader_(std::move(reader)), tool_(std::move(tool)) {}

absl::StatusOr<std::unique_ptr<ProcessCheckpointer>> ProcessCheckpointer::Create(
    const CheckpointerOptions& options, const Environment& env) {
  ASSIGN_OR_RETURN(hostfs::HostView view, hostfs::HostView::AtPrefix(options.host_root));
  return CreateForTest(options, std::make_shared<HostViewReader>(std::move(view)),
                       env.Get("PATH").value_or(""));
}

absl::StatusOr<std::unique_ptr<ProcessCheckpointer>> ProcessCheckpointer::CreateForTest(
    const CheckpointerOptions& options, std::shared_ptr<const HostReader> reader,
    std::string_view path_env) {
  if (options.parallelism < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("parallelism ", options.parallelism, " must be at least 1"));
  }
  if (options.lock_timeout < absl::Milliseconds(1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "lock timeout ", absl::FormatDuration(options.lock_timeout), " must be at least 1ms"));
  }
  std::string tool_path;
  RETURN_IF_ERROR(ToAbslStatus(
      CheckCheckpointSupport(*reader, options.tool_path, path_env, {}, &tool_path)));
  return std::unique_ptr<ProcessCheckpointer>(
      new ProcessCheckpointer(options, std::move(reader), CudaTool(tool_path)));
}

std::vector<ProcessReport> ProcessCheckpointer::Inspect(const std::vector<pid_t>& pids) {
  return ToReports(DiscoverCudaProcesses(*reader_, tool_, pids, options_.parallelism));
}

absl::StatusOr<std::vector<ProcessReport>> ProcessCheckpointer::Suspend(
    const std::vector<pid_t>& pids, const std::function<bool()>& cancelled) {
  std::vector<DiscoveredProcess> found =
      DiscoverCudaProcesses(*reader_, tool_, pids, options_.parallelism);
  ProcessGroup group(tool_, options_.parallelism);
  // Nothing is changed unless every process could be inspected.
  RETURN_IF_ERROR(AddCudaProcesses(found, UnknownState::kLeftOut, group));
  PlainStatus status = group.LockAll(ToMillis(options_.lock_timeout));
  if (status.ok()) status = group.CheckpointAll(CheckpointWhich::kLockedHere);
  if (!status.ok()) return RolledBack(status, group);
  if (cancelled && cancelled()) {
    // Back to where each process was, not beyond: one found checkpointed
    // or locked stays so.
    PlainStatus rollback = group.RollBack();
    if (!rollback.ok()) return RolledBack(rollback, group);
  }
  return MergeReports(ToReports(found), group);
}

absl::StatusOr<std::vector<ProcessReport>> ProcessCheckpointer::Resume(
    const std::vector<pid_t>& pids, StaleCallsOutcome* stale) {
  StaleCallsOutcome calls = StaleToolCalls(*reader_, tool_.path())
                                .Stop(pids, ToMillis(options_.lock_timeout), kStaleCallGrace);
  if (stale != nullptr) *stale = calls;
  if (!calls.clear()) return NotResumable(calls);
  std::vector<DiscoveredProcess> found =
      DiscoverCudaProcesses(*reader_, tool_, pids, options_.parallelism);
  ProcessGroup group(tool_, options_.parallelism);
  // Every process that can be resumed is, even when another cannot be
  // inspected: nothing may stay locked because of a neighbour.
  absl::Status inspected = AddCudaProcesses(found, UnknownState::kIsCheckpointed, group);
  if (group.empty()) return inspected;
  PlainStatus status = group.ResumeAll();
  if (!status.ok()) return ToAbslStatus(status);
  RETURN_IF_ERROR(inspected);
  return MergeReports(ToReports(found), group);
}

}  // namespace gpulet::checkpoint

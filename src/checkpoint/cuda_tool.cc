#include "checkpoint/cuda_tool.h"

#include <string>
#include <utility>

#include "checkpoint/tool_output.h"
#include "checkpoint/tool_runner.h"

namespace gpulet::checkpoint {
namespace {

std::string Describe(const ToolRun& run) {
  if (run.timed_out) return "killed after its time limit";
  if (run.term_signal != 0) return "killed by signal " + std::to_string(run.term_signal);
  return "exit " + std::to_string(run.exit_code) + ": " + FirstOutputLine(run.output);
}

}  // namespace

CudaTool::CudaTool(std::string path, CudaToolTimeouts timeouts)
    : path_(std::move(path)), timeouts_(timeouts) {}

PlainStatus CudaTool::ProbeActionInterface() const {
  ToolRun run;
  PlainStatus status = RunTool({path_, "-h"}, timeouts_.query, &run);
  if (!status.ok()) return {PlainCode::kFailedPrecondition, status.message()};
  if (run.exit_code != 0) {
    return {PlainCode::kFailedPrecondition,
            "cuda-checkpoint " + path_ + " -h failed (" + Describe(run) + ")"};
  }
  if (!HelpHasActionInterface(run.output)) {
    return {PlainCode::kFailedPrecondition,
            "driver older than r555: cuda-checkpoint " + path_ +
                " has no --action interface"};
  }
  return {};
}

PlainStatus CudaTool::RunQuery(std::string_view query, pid_t pid, ToolRun* run) const {
  return RunTool({path_, "--" + std::string(query), "--pid", std::to_string(pid)},
                 timeouts_.query, run);
}

std::string CudaTool::QueryText(std::string_view query, pid_t pid) {
  return "cuda-checkpoint --" + std::string(query) + " --pid " + std::to_string(pid);
}

PlainStatus CudaTool::GetRestoreTid(pid_t pid, pid_t* restore_tid) const {
  ToolRun run;
  if (PlainStatus status = RunQuery("get-restore-tid", pid, &run); !status.ok()) return status;
  if (run.exit_code != 0) {
    return {PlainCode::kNotFound,
            "pid " + std::to_string(pid) + " is not a CUDA process (" + Describe(run) + ")"};
  }
  std::optional<pid_t> tid = ParseRestoreTid(run.output);
  if (!tid) {
    return {PlainCode::kInternal, QueryText("get-restore-tid", pid) + " printed \"" +
                                      FirstOutputLine(run.output) + "\", not a TID"};
  }
  *restore_tid = *tid;
  return {};
}

PlainStatus CudaTool::GetState(pid_t restore_tid, CudaState* state) const {
  ToolRun run;
  if (PlainStatus status = RunQuery("get-state", restore_tid, &run); !status.ok()) {
    return status;
  }
  if (run.exit_code != 0) {
    return {PlainCode::kInternal,
            QueryText("get-state", restore_tid) + " failed (" + Describe(run) + ")"};
  }
  std::optional<CudaState> parsed = ParseStateOutput(run.output);
  if (!parsed) {
    return {PlainCode::kInternal, QueryText("get-state", restore_tid) + " printed \"" +
                                      FirstOutputLine(run.output) + "\", not a state"};
  }
  *state = *parsed;
  return {};
}

std::vector<std::string> CudaTool::ActionArgv(std::string_view action, pid_t pid) const {
  return {path_, "--action", std::string(action), "--pid", std::to_string(pid)};
}

PlainStatus CudaTool::Lock(pid_t pid, std::chrono::milliseconds timeout) const {
  std::vector<std::string> argv = ActionArgv("lock", pid);
  argv.push_back("--timeout");
  argv.push_back(std::to_string(timeout.count()));
  ToolRun run;
  PlainStatus status =
      RunAction("lock", pid, std::move(argv), timeout + timeouts_.query, &run);
  // The tool reports its own timeout as a plain failure; the time it took
  // tells the two apart.
  if (status.code() == PlainCode::kAborted && run.elapsed >= timeout) {
    return {PlainCode::kDeadlineExceeded,
            "lock timeout after " + std::to_string(timeout.count()) + " ms: " +
                status.message()};
  }
  return status;
}

PlainStatus CudaTool::Checkpoint(pid_t pid) const {
  ToolRun run;
  return RunAction("checkpoint", pid, ActionArgv("checkpoint", pid), timeouts_.action, &run);
}

PlainStatus CudaTool::Restore(pid_t pid) const {
  ToolRun run;
  return RunAction("restore", pid, ActionArgv("restore", pid), timeouts_.action, &run);
}

PlainStatus CudaTool::Unlock(pid_t pid) const {
  ToolRun run;
  return RunAction("unlock", pid, ActionArgv("unlock", pid), timeouts_.query, &run);
}

PlainStatus CudaTool::RunAction(std::string_view action, pid_t pid,
                                std::vector<std::string> argv,
                                std::chrono::milliseconds limit, ToolRun* run) const {
  PlainStatus status = RunTool(argv, limit, run);
  if (!status.ok()) return status;
  if (run->exit_code == 0 && !run->timed_out) return {};
  std::string what = std::string(action) + " of pid " + std::to_string(pid) + " failed";
  if (run->timed_out) {
    return {PlainCode::kDeadlineExceeded,
            what + ": cuda-checkpoint did not finish within " +
                std::to_string(limit.count()) + " ms and was killed"};
  }
  return {PlainCode::kAborted, what + " (" + Describe(*run) + ")"};
}

}  // namespace gpulet::checkpoint

#include "checkpoint/stale_tool_calls.h"

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <thread>

#include "checkpoint/proc_files.h"

namespace gpulet::checkpoint {
namespace {

constexpr std::string_view kToolName = "cuda-checkpoint";
constexpr std::chrono::milliseconds kPollInterval{20};

std::vector<std::string_view> SplitArgv(std::string_view cmdline) {
  std::vector<std::string_view> argv;
  while (!cmdline.empty()) {
    size_t end = cmdline.find('\0');
    if (end == std::string_view::npos) end = cmdline.size();
    argv.push_back(cmdline.substr(0, end));
    cmdline.remove_prefix(std::min(end + 1, cmdline.size()));
  }
  return argv;
}

std::string_view BaseName(std::string_view path) {
  if (size_t slash = path.rfind('/'); slash != std::string_view::npos) {
    path.remove_prefix(slash + 1);
  }
  return path;
}

bool Contains(const std::vector<ToolCall>& calls, const ToolCall& call) {
  return std::any_of(calls.begin(), calls.end(),
                     [&](const ToolCall& c) { return c.pid == call.pid; });
}

}  // namespace

std::optional<ToolCall> ParseToolCall(pid_t pid, std::string_view cmdline,
                                      std::string_view tool_name) {
  std::vector<std::string_view> argv = SplitArgv(cmdline);
  if (argv.empty()) return std::nullopt;
  const std::string_view program = BaseName(argv[0]);
  if (program != kToolName && program != tool_name) return std::nullopt;
  ToolCall call;
  call.pid = pid;
  for (size_t i = 0; i < argv.size(); ++i) {
    if (!call.command.empty()) call.command += ' ';
    call.command += argv[i];
    if (i + 1 >= argv.size()) continue;
    if (argv[i] == "--pid") {
      if (std::optional<pid_t> target = ParsePid(argv[i + 1])) call.target = *target;
    } else if (argv[i] == "--action") {
      call.action = std::string(argv[i + 1]);
    }
  }
  if (call.target == 0) return std::nullopt;
  return call;
}

StaleToolCalls::StaleToolCalls(const HostReader& reader, std::string_view tool_path)
    : reader_(reader), tool_name_(BaseName(tool_path)) {}

std::vector<ToolCall> StaleToolCalls::Find(const std::vector<pid_t>& targets) const {
  std::vector<ToolCall> calls;
  std::vector<std::string> entries;
  if (!reader_.ListDirectory("/proc", &entries).ok()) return calls;
  for (const std::string& entry : entries) {
    std::optional<pid_t> pid = ParsePid(entry);
    if (!pid) continue;
    std::string cmdline;
    if (!reader_.ReadFile(ProcPath(*pid, "cmdline"), &cmdline).ok()) continue;
    std::optional<ToolCall> call = ParseToolCall(*pid, cmdline, tool_name_);
    if (!call || std::find(targets.begin(), targets.end(), call->target) == targets.end()) {
      continue;
    }
    std::string stat;
    if (reader_.ReadFile(ProcPath(*pid, "stat"), &stat).ok()) {
      call->parent = ParseStatParentPid(stat).value_or(0);
    }
    calls.push_back(*std::move(call));
  }
  std::sort(calls.begin(), calls.end(),
            [](const ToolCall& a, const ToolCall& b) { return a.pid < b.pid; });
  return calls;
}

bool StaleToolCalls::OwnedByALiveRun(const ToolCall& call) const {
  // An orphan's parent is init or a subreaper (a container shim).
  if (call.parent <= 1 || (kill(call.parent, 0) != 0 && errno == ESRCH)) return false;
  std::string cmdline;
  if (!reader_.ReadFile(ProcPath(call.parent, "cmdline"), &cmdline).ok()) return false;
  std::vector<std::string_view> argv = SplitArgv(cmdline);
  if (argv.empty()) return false;
  const std::string_view program = BaseName(argv[0]);
  return program == "gpulet" || program == "criu";
}

bool StaleToolCalls::Running(const ToolCall& call) const {
  if (kill(call.pid, 0) != 0 && errno == ESRCH) return false;
  std::string cmdline;
  if (!reader_.ReadFile(ProcPath(call.pid, "cmdline"), &cmdline).ok()) return false;
  std::optional<ToolCall> now = ParseToolCall(call.pid, cmdline, tool_name_);
  return now && now->target == call.target;
}

std::vector<ToolCall> StaleToolCalls::WaitForEnd(std::vector<ToolCall> calls,
                                                 std::chrono::milliseconds limit) const {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    std::erase_if(calls, [&](const ToolCall& call) { return !Running(call); });
    if (calls.empty() || std::chrono::steady_clock::now() >= deadline) return calls;
    std::this_thread::sleep_for(kPollInterval);
  }
}

StaleCallsOutcome StaleToolCalls::Stop(const std::vector<pid_t>& targets,
                                       std::chrono::milliseconds wait,
                                       std::chrono::milliseconds grace) const {
  StaleCallsOutcome outcome;
  std::vector<ToolCall> found = Find(targets);
  for (const ToolCall& call : found) {
    if (OwnedByALiveRun(call)) outcome.owned.push_back(call);
  }
  if (found.empty() || !outcome.owned.empty()) return outcome;
  std::vector<ToolCall> running = WaitForEnd(found, wait);
  std::vector<ToolCall> to_kill;
  for (const ToolCall& call : found) {
    if (!Contains(running, call)) {
      outcome.ended.push_back(call);
    } else if (call.action == "checkpoint" || call.action == "restore") {
      outcome.busy.push_back(call);
    } else {
      to_kill.push_back(call);
    }
  }
  for (const ToolCall& call : to_kill) kill(call.pid, SIGKILL);
  outcome.left = WaitForEnd(to_kill, grace);
  for (const ToolCall& call : to_kill) {
    if (!Contains(outcome.left, call)) outcome.killed.push_back(call);
  }
  return outcome;
}

}  // namespace gpulet::checkpoint

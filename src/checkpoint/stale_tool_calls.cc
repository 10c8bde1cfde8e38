#include "checkpoint/stale_tool_calls.h"

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <optional>
#include <thread>

namespace gpulet::checkpoint {
namespace {

constexpr std::string_view kToolName = "cuda-checkpoint";
constexpr std::chrono::milliseconds kPollInterval{20};

std::optional<pid_t> ParsePid(std::string_view text) {
  pid_t pid = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
  if (ec != std::errc() || end != text.data() + text.size() || pid <= 0) return std::nullopt;
  return pid;
}

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

}  // namespace

std::optional<ToolCall> ParseToolCall(pid_t pid, std::string_view cmdline) {
  std::vector<std::string_view> argv = SplitArgv(cmdline);
  if (argv.empty()) return std::nullopt;
  std::string_view program = argv[0];
  if (size_t slash = program.rfind('/'); slash != std::string_view::npos) {
    program.remove_prefix(slash + 1);
  }
  if (program != kToolName) return std::nullopt;
  ToolCall call;
  call.pid = pid;
  for (size_t i = 0; i < argv.size(); ++i) {
    if (!call.command.empty()) call.command += ' ';
    call.command += argv[i];
    if (argv[i] == "--pid" && i + 1 < argv.size()) {
      if (std::optional<pid_t> target = ParsePid(argv[i + 1])) call.target = *target;
    }
  }
  if (call.target == 0) return std::nullopt;
  return call;
}

std::vector<ToolCall> StaleToolCalls::Find(const std::vector<pid_t>& targets) const {
  std::vector<ToolCall> calls;
  std::vector<std::string> entries;
  if (!reader_.ListDirectory("/proc", &entries).ok()) return calls;
  for (const std::string& entry : entries) {
    std::optional<pid_t> pid = ParsePid(entry);
    if (!pid) continue;
    std::string cmdline;
    if (!reader_.ReadFile("/proc/" + entry + "/cmdline", &cmdline).ok()) continue;
    std::optional<ToolCall> call = ParseToolCall(*pid, cmdline);
    if (!call) continue;
    for (pid_t target : targets) {
      if (call->target != target) continue;
      calls.push_back(*std::move(call));
      break;
    }
  }
  std::sort(calls.begin(), calls.end(),
            [](const ToolCall& a, const ToolCall& b) { return a.pid < b.pid; });
  return calls;
}

bool StaleToolCalls::Running(const ToolCall& call) const {
  if (kill(call.pid, 0) != 0 && errno == ESRCH) return false;
  std::string cmdline;
  if (!reader_.ReadFile("/proc/" + std::to_string(call.pid) + "/cmdline", &cmdline).ok()) {
    return false;
  }
  std::optional<ToolCall> now = ParseToolCall(call.pid, cmdline);
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
  if (found.empty()) return outcome;
  std::vector<ToolCall> running = WaitForEnd(found, wait);
  for (const ToolCall& call : found) {
    bool still = std::any_of(running.begin(), running.end(),
                             [&](const ToolCall& r) { return r.pid == call.pid; });
    if (!still) outcome.ended.push_back(call);
  }
  for (const ToolCall& call : running) kill(call.pid, SIGKILL);
  outcome.left = WaitForEnd(running, grace);
  for (const ToolCall& call : running) {
    bool left = std::any_of(outcome.left.begin(), outcome.left.end(),
                            [&](const ToolCall& l) { return l.pid == call.pid; });
    if (!left) outcome.killed.push_back(call);
  }
  return outcome;
}

}  // namespace gpulet::checkpoint

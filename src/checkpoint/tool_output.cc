#include "checkpoint/tool_output.h"

#include <charconv>
#include <cstdint>

namespace gpulet::checkpoint {
namespace {

std::string_view Trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(kSpace);
  return s.substr(begin, end - begin + 1);
}

}  // namespace

std::optional<pid_t> ParseRestoreTid(std::string_view output) {
  std::string_view text = Trim(output);
  if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;
  int64_t tid = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), tid);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  // Linux TIDs are positive and below 2^22 (pid_max's ceiling).
  if (tid <= 0 || tid > (int64_t{1} << 22)) return std::nullopt;
  return static_cast<pid_t>(tid);
}

std::optional<CudaState> ParseStateOutput(std::string_view output) {
  return ParseToolState(Trim(output));
}

bool HelpHasActionInterface(std::string_view help) {
  return help.find("--action") != std::string_view::npos;
}

std::string FirstOutputLine(std::string_view output) {
  while (!output.empty()) {
    size_t eol = output.find('\n');
    std::string_view line = Trim(output.substr(0, eol));
    if (!line.empty()) return std::string(line.substr(0, 200));
    if (eol == std::string_view::npos) break;
    output.remove_prefix(eol + 1);
  }
  return "(no output)";
}

}  // namespace gpulet::checkpoint

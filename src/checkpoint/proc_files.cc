#include "checkpoint/proc_files.h"

#include <charconv>
#include <cstdint>

namespace gpulet::checkpoint {
namespace {

constexpr std::string_view kCudaDriverLibrary = "libcuda.so";
constexpr std::string_view kDeletedSuffix = " (deleted)";

// The pathname of a maps line: what follows the five fixed fields
// (address perms offset dev inode); empty when there is none.
std::string_view MapsLinePath(std::string_view line) {
  size_t pos = 0;
  for (int field = 0; field < 5; ++field) {
    pos = line.find_first_not_of(' ', pos);
    if (pos == std::string_view::npos) return {};
    pos = line.find(' ', pos);
    if (pos == std::string_view::npos) return {};
  }
  pos = line.find_first_not_of(' ', pos);
  if (pos == std::string_view::npos) return {};
  return line.substr(pos);
}

bool IsCudaDriverPath(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path.size() > kDeletedSuffix.size() &&
      path.substr(path.size() - kDeletedSuffix.size()) == kDeletedSuffix) {
    path.remove_suffix(kDeletedSuffix.size());
  }
  std::string_view base = path.substr(path.rfind('/') + 1);
  if (base.substr(0, kCudaDriverLibrary.size()) != kCudaDriverLibrary) return false;
  return base.size() == kCudaDriverLibrary.size() ||
         base[kCudaDriverLibrary.size()] == '.';
}

}  // namespace

bool MapsCudaDriver(std::string_view maps) {
  while (!maps.empty()) {
    size_t eol = maps.find('\n');
    if (IsCudaDriverPath(MapsLinePath(maps.substr(0, eol)))) return true;
    if (eol == std::string_view::npos) break;
    maps.remove_prefix(eol + 1);
  }
  return false;
}

std::optional<pid_t> ParseStatParentPid(std::string_view stat) {
  if (stat.empty() || stat.front() < '0' || stat.front() > '9') return std::nullopt;
  size_t close = stat.rfind(')');
  if (close == std::string_view::npos || stat.find('(') > close) return std::nullopt;
  std::string_view rest = stat.substr(close + 1);
  // " S 1234 ...": the state letter, then the parent pid.
  if (rest.size() < 4 || rest[0] != ' ' || rest[2] != ' ') return std::nullopt;
  rest.remove_prefix(3);
  int64_t ppid = -1;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), ppid);
  if (ec != std::errc() || ppid < 0 || ppid > (int64_t{1} << 22)) return std::nullopt;
  if (end != rest.data() + rest.size() && *end != ' ' && *end != '\n') {
    return std::nullopt;
  }
  return static_cast<pid_t>(ppid);
}

std::optional<pid_t> ParsePid(std::string_view text) {
  pid_t pid = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
  if (ec != std::errc() || end != text.data() + text.size() || pid <= 0) return std::nullopt;
  return pid;
}

std::string ProcPath(pid_t pid, std::string_view file) {
  return "/proc/" + std::to_string(pid) + "/" + std::string(file);
}

}  // namespace gpulet::checkpoint

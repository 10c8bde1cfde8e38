#include "hostfs/path.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

#include "base/absl_string_view.h"

namespace gpulet::hostfs {

absl::StatusOr<std::string> NormalizeAbsolutePath(std::string_view path) {
  if (path.empty() || path.front() != '/') {
    return absl::InvalidArgumentError(
        absl::StrCat("path \"", AsAbsl(path), "\" is not absolute"));
  }
  if (path.find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("path \"", AsAbsl(path), "\" contains a NUL byte"));
  }
  std::vector<absl::string_view> parts;
  for (absl::string_view part : absl::StrSplit(AsAbsl(path), '/', absl::SkipEmpty())) {
    if (part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  return absl::StrCat("/", absl::StrJoin(parts, "/"));
}

std::string JoinPath(std::string_view root, std::string_view rest) {
  while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.empty()) return std::string(root);
  if (!root.empty() && root.back() == '/') return absl::StrCat(AsAbsl(root), AsAbsl(rest));
  return absl::StrCat(AsAbsl(root), "/", AsAbsl(rest));
}

bool IsUnderRoot(std::string_view path, std::string_view root) {
  if (root == "/") return true;
  if (path.size() < root.size() || path.substr(0, root.size()) != root) {
    return false;
  }
  return path.size() == root.size() || path[root.size()] == '/';
}

std::optional<std::string> StripRoot(std::string_view path,
                                     std::string_view root) {
  if (!IsUnderRoot(path, root)) return std::nullopt;
  if (root == "/") return std::string(path);
  std::string_view rest = path.substr(root.size());
  if (rest.empty()) return std::string("/");
  return std::string(rest);
}

}  // namespace gpulet::hostfs

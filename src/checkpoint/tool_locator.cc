#include "checkpoint/tool_locator.h"

#include <optional>

namespace gpulet::checkpoint {
namespace {

// `dir`/`name` on a component boundary: "/" + "x" is "/x".
std::string InDir(std::string_view dir, std::string_view name) {
  std::string path(dir);
  if (path.empty() || path.back() != '/') path += '/';
  path += name;
  return path;
}

}  // namespace

std::vector<std::string> ToolCandidates(std::string_view configured,
                                        std::string_view path_env,
                                        const std::vector<std::string>& driver_roots) {
  if (!configured.empty()) return {std::string(configured)};
  std::vector<std::string> candidates;
  auto add = [&](std::string path) {
    for (const std::string& seen : candidates) {
      if (seen == path) return;
    }
    candidates.push_back(std::move(path));
  };
  while (!path_env.empty()) {
    size_t colon = path_env.find(':');
    std::string_view dir = path_env.substr(0, colon);
    // Relative PATH entries would name gpulet's cwd, not a host dir.
    if (!dir.empty() && dir.front() == '/') add(InDir(dir, kCudaCheckpointName));
    if (colon == std::string_view::npos) break;
    path_env.remove_prefix(colon + 1);
  }
  for (const std::string& root : driver_roots) {
    for (std::string_view bin : kDriverBinDirs) {
      add(InDir(InDir(root, bin), kCudaCheckpointName));
    }
  }
  return candidates;
}

PlainStatus LocateTool(const HostReader& reader, std::string_view configured,
                       std::string_view path_env,
                       const std::vector<std::string>& driver_roots,
                       std::string* exec_path) {
  std::vector<std::string> candidates = ToolCandidates(configured, path_env, driver_roots);
  for (const std::string& candidate : candidates) {
    if (std::optional<std::string> path = reader.ExecutablePath(candidate)) {
      *exec_path = *path;
      return {};
    }
  }
  if (!configured.empty()) {
    // The path is the host's, read under the host root: a path as the
    // caller's own mount namespace sees it is the usual mistake.
    return {PlainCode::kNotFound, "cuda-checkpoint not found: configured path " +
                                      std::string(configured) +
                                      " is not an executable file on the host (a host path, "
                                      "read under the host root)"};
  }
  std::string tried;
  for (const std::string& candidate : candidates) {
    tried += tried.empty() ? candidate : ", " + candidate;
  }
  return {PlainCode::kNotFound, "cuda-checkpoint not found (tried " + tried + ")"};
}

}  // namespace gpulet::checkpoint

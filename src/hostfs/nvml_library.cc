#include "hostfs/nvml_library.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/absl_string_view.h"
#include "hostfs/path.h"

namespace gpulet::hostfs {

absl::StatusOr<std::string> FindNvmlLibrary(const HostView& view,
                                            const DriverRoots& roots) {
  if (roots.driver_root() == "/" && view.IsIdentity()) {
    return std::string(kNvmlLibraryName);
  }
  std::vector<std::string> tried;
  for (std::string_view dir : kNvmlLibraryDirs) {
    std::string host_path =
        roots.DriverPath(JoinPath(dir, kNvmlLibraryName));
    absl::StatusOr<std::string> resolved = view.Resolve(host_path);
    if (resolved.ok()) {
      absl::StatusOr<FileInfo> info = view.Stat(*resolved);
      if (info.ok() && info->type == FileInfo::Type::kRegular) {
        return view.ToAgentPath(*resolved);
      }
    }
    tried.push_back(std::move(host_path));
  }
  return absl::NotFoundError(absl::StrCat(
      AsAbsl(kNvmlLibraryName), " not found under the driver root \"",
      roots.driver_root(), "\"; tried \"", absl::StrJoin(tried, "\", \""), "\""));
}

}  // namespace gpulet::hostfs

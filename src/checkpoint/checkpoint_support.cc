#include "checkpoint/checkpoint_support.h"

#include <vector>

#include "checkpoint/tool_locator.h"
#include "hostfs/driver_root_paths.h"

namespace gpulet::checkpoint {

PlainStatus CheckCheckpointSupport(const HostReader& reader, std::string_view configured_tool,
                                   std::string_view path_env, const CudaToolTimeouts& timeouts,
                                   std::string* tool_path) {
  std::vector<std::string> gpus;
  if (!reader.ListDirectory(kNvidiaGpusDir, &gpus).ok() || gpus.empty()) {
    return {PlainCode::kFailedPrecondition,
            "no NVIDIA driver: " + std::string(kNvidiaGpusDir) + " is absent or empty"};
  }
  std::vector<std::string> roots(std::begin(hostfs::kKnownDriverRoots),
                                 std::end(hostfs::kKnownDriverRoots));
  std::string path;
  PlainStatus status = LocateTool(reader, configured_tool, path_env, roots, &path);
  if (!status.ok()) return status;
  status = CudaTool(path, timeouts).ProbeActionInterface();
  if (!status.ok()) return status;
  *tool_path = path;
  return {};
}

}  // namespace gpulet::checkpoint

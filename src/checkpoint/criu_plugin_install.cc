#include "checkpoint/criu_plugin_install.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "base/atomic_file.h"
#include "base/text_file.h"
#include "checkpoint/checkpoint_capability.h"

namespace gpulet::checkpoint {

absl::StatusOr<bool> InstallCriuPlugin(const hostfs::HostView& host,
                                       const CriuPluginInstall& install) {
  absl::StatusOr<std::string> plugin = ReadTextFile(install.source);
  if (!plugin.ok()) {
    return absl::NotFoundError(
        absl::StrCat("CRIU plugin to install: ", plugin.status().message()));
  }
  const std::string host_path = absl::StrCat(install.plugin_dir, "/", kCriuPluginFileName);
  const std::string target = host.ToAgentPath(host_path);
  if (absl::StatusOr<std::string> present = ReadTextFile(target);
      present.ok() && *present == *plugin) {
    return false;
  }
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(target).parent_path(), ec);
  if (ec) {
    return absl::PermissionDeniedError(absl::StrCat("cannot create the CRIU plugin directory ",
                                                    install.plugin_dir, ": ", ec.message()));
  }
  if (absl::Status written = WriteFileAtomically(target, *plugin, 0644); !written.ok()) {
    return written;
  }
  return true;
}

}  // namespace gpulet::checkpoint

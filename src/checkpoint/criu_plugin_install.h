// InstallCriuPlugin: puts the CRIU CUDA plugin that ships in gpulet's image
// into the host's CRIU plugin directory, for `gpulet node
// --install-criu-plugin`.
//
// CRIU loads every .so of its plugin directory (/usr/lib/criu unless the
// runtime passes --libdir) at each dump and restore, so a half-written
// plugin would break every checkpoint on the node: the copy is atomic
// (base/atomic_file.h), mode 0644, and skipped when the file there already
// has the same bytes. The plugin keeps upstream's file name,
// cuda_plugin.so, so that it replaces upstream's rather than loading beside
// it (two plugins would lock every process twice).
//
// Thread-safe: reads, and one atomic replacement.
#ifndef GPULET_CHECKPOINT_CRIU_PLUGIN_INSTALL_H_
#define GPULET_CHECKPOINT_CRIU_PLUGIN_INSTALL_H_

#include <string>

#include "absl/status/statusor.h"
#include "hostfs/host_view.h"

namespace gpulet::checkpoint {

inline constexpr char kShippedCriuPlugin[] = "/usr/lib/gpulet/criu/cuda_plugin.so";

struct CriuPluginInstall {
  std::string source = kShippedCriuPlugin;  // a path in gpulet's own filesystem
  std::string plugin_dir = "/usr/lib/criu";  // a host path, read through the view
};

// Copies `install.source` to <plugin_dir>/cuda_plugin.so on the host,
// creating the directory when missing. True when the file was written,
// false when it was already there unchanged. NotFound naming the source
// when it is missing; the errno-derived error of the write otherwise, each
// naming the path.
absl::StatusOr<bool> InstallCriuPlugin(const hostfs::HostView& host,
                                       const CriuPluginInstall& install);

}  // namespace gpulet::checkpoint

#endif  // GPULET_CHECKPOINT_CRIU_PLUGIN_INSTALL_H_

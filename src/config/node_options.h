// NodeOptions: where gpulet finds the node's NVIDIA driver, resolved once
// from flags and environment with NVIDIA's names and precedence
// (flag > env > default).
//
// Shared by every node-side subcommand (info, device-plugin,
// feature-discovery, cdi) so that `--nvml-library` and the driver roots mean
// the same everywhere. A plain value; thread-safe once built.
#ifndef GPULET_CONFIG_NODE_OPTIONS_H_
#define GPULET_CONFIG_NODE_OPTIONS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "config/environment.h"

namespace gpulet {

// Values given on the command line; unset when the flag was not given.
struct NodeFlags {
  std::optional<std::string> nvml_library;          // --nvml-library
  std::optional<std::string> driver_root;           // --driver-root
  std::optional<std::string> dev_root;              // --dev-root
  std::optional<std::string> driver_root_ctr_path;  // --driver-root-ctr-path
};

struct NodeOptions {
  // Path of libnvidia-ml.so.1 to load; empty: look under the driver root,
  // or let the dynamic loader search. Env GPULET_NVML_LIBRARY.
  std::string nvml_library;
  // Host directory holding the driver's files. Env NVIDIA_DRIVER_ROOT.
  std::string driver_root = "/";
  // Host directory whose dev/ holds the device nodes; empty means the driver
  // root. Env NVIDIA_DEV_ROOT.
  std::string dev_root;
  // Where the host's driver root is mounted in gpulet's own container. Env
  // DRIVER_ROOT_CTR_PATH or CONTAINER_DRIVER_ROOT.
  std::string driver_root_ctr_path = "/driver-root";
};

// Merges `flags` over `env` over `file` (values from the config file:
// flags.nvidiaDriverRoot, flags.nvidiaDevRoot,
// flags.plugin.containerDriverRoot) over the defaults. InvalidArgument
// naming the flag, variable or file field when a root is not an absolute
// path.
absl::StatusOr<NodeOptions> ResolveNodeOptions(const NodeFlags& flags,
                                               const Environment& env,
                                               const NodeFlags& file = {});

}  // namespace gpulet

#endif  // GPULET_CONFIG_NODE_OPTIONS_H_

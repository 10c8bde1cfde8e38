// CheckpointCapability: whether this node can checkpoint GPU containers,
// for the feature label `gpulet.io/checkpoint.capable=true`.
//
// A runtime checkpoints a container by running CRIU, which hands CUDA
// processes to the CUDA plugin, which drives cuda-checkpoint. So all of
// these must hold, each read through the host view:
//   1. CRIU 4.0 or later (the first with the device hooks the plugin
//      needs): `criu --version` of the first criu in the host's sbin and
//      bin dirs prints "Version: <major>.<minor>";
//   2. cuda_plugin.so in CRIU's plugin directory (ours or upstream's: both
//      register as "cuda_plugin");
//   3. a GPU, and a cuda-checkpoint with the `--action` interface (r555+):
//      the same checks as `gpulet checkpoint` (checkpoint_support.h).
// The first that fails is the reason.
//
// Thread-safe: reads and child processes only.
#ifndef GPULET_CHECKPOINT_CHECKPOINT_CAPABILITY_H_
#define GPULET_CHECKPOINT_CHECKPOINT_CAPABILITY_H_

#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hostfs/host_view.h"

namespace gpulet::checkpoint {

inline constexpr char kCheckpointCapableLabel[] = "gpulet.io/checkpoint.capable";
inline constexpr char kDefaultCriuPluginDir[] = "/usr/lib/criu";
inline constexpr char kCriuPluginFileName[] = "cuda_plugin.so";

struct CapabilityOptions {
  hostfs::HostView host;
  std::string plugin_dir = kDefaultCriuPluginDir;  // a host path
  std::string tool_path;                           // a host path; "" to search
  std::string path_env;                            // PATH for the tool search
};

// {major, minor} from `criu --version` output ("Version: 4.1.1\nGitID:
// ..."). InvalidArgument quoting the first line otherwise.
absl::StatusOr<std::pair<int, int>> ParseCriuVersion(std::string_view output);

// OK when the node can checkpoint GPU containers; otherwise
// FailedPrecondition or NotFound saying which requirement is missing.
absl::Status ProbeCheckpointCapability(const CapabilityOptions& options);

}  // namespace gpulet::checkpoint

#endif  // GPULET_CHECKPOINT_CHECKPOINT_CAPABILITY_H_

// Whether this node can checkpoint CUDA processes, and with which tool:
// the checks shared by `gpulet checkpoint` and the CRIU plugin.
//
//  1. A GPU is present: /proc/driver/nvidia/gpus/ (as seen through the
//     reader) has an entry. Not /dev/nvidiactl, which GPU Operator nodes
//     lack on the host (CRIU v4.0 disabled itself there).
//  2. cuda-checkpoint is found (tool_locator.h).
//  3. Its `-h` offers `--action` (driver r555 or later).
//
// Thread-safe (reads and one child process). Standard library only.
#ifndef GPULET_CHECKPOINT_CHECKPOINT_SUPPORT_H_
#define GPULET_CHECKPOINT_CHECKPOINT_SUPPORT_H_

#include <string>
#include <string_view>

#include "checkpoint/cuda_tool.h"
#include "checkpoint/host_reader.h"
#include "checkpoint/plain_status.h"

namespace gpulet::checkpoint {

inline constexpr std::string_view kNvidiaGpusDir = "/proc/driver/nvidia/gpus";

// Runs the three checks; on success `*tool_path` is the exec path of the
// tool. FailedPrecondition "no NVIDIA driver ..." when no GPU is visible;
// NotFound from LocateTool; FailedPrecondition from the probe.
PlainStatus CheckCheckpointSupport(const HostReader& reader, std::string_view configured_tool,
                                   std::string_view path_env, const CudaToolTimeouts& timeouts,
                                   std::string* tool_path);

}  // namespace gpulet::checkpoint

#endif  // GPULET_CHECKPOINT_CHECKPOINT_SUPPORT_H_

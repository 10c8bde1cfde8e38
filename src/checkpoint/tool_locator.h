// Locating `cuda-checkpoint` on every driver layout.
//
// Upstream CRIU only execs "cuda-checkpoint" from its own PATH, which on GPU
// Operator and GKE nodes does not contain the driver's bin dir. Search
// order: the configured path; each dir of PATH; then the bin dirs of each
// known driver root (host install, GPU Operator, GKE COS). Every candidate
// is a host path read through the HostReader.
//
// Thread-safe (reads only). Standard library only (the CRIU plugin links it).
#ifndef GPULET_CHECKPOINT_TOOL_LOCATOR_H_
#define GPULET_CHECKPOINT_TOOL_LOCATOR_H_

#include <string>
#include <string_view>
#include <vector>

#include "checkpoint/host_reader.h"
#include "checkpoint/plain_status.h"

namespace gpulet::checkpoint {

inline constexpr std::string_view kCudaCheckpointName = "cuda-checkpoint";

// Dirs below a driver root that hold its binaries.
inline constexpr std::string_view kDriverBinDirs[] = {
    "usr/bin", "usr/local/bin", "bin", "usr/sbin", "sbin"};

// The host paths tried, in order, for `configured` (a path; empty for none),
// `path_env` (a PATH value) and `driver_roots` (absolute host dirs).
std::vector<std::string> ToolCandidates(std::string_view configured,
                                        std::string_view path_env,
                                        const std::vector<std::string>& driver_roots);

// The exec path of the first candidate that is an executable file, into
// `*exec_path`. A configured path is the only candidate: NotFound naming it
// when it is not executable. Otherwise NotFound listing every path tried.
PlainStatus LocateTool(const HostReader& reader, std::string_view configured,
                       std::string_view path_env,
                       const std::vector<std::string>& driver_roots,
                       std::string* exec_path);

}  // namespace gpulet::checkpoint

#endif  // GPULET_CHECKPOINT_TOOL_LOCATOR_H_

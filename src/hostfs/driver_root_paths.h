// The host dirs where the known driver layouts put the NVIDIA driver, as
// constants that need no abseil: DriverRoots builds on them, and so does
// the CRIU plugin, which cannot link hostfs (see
// src/checkpoint/plain_status.h).
//
// Header-only constants; thread-safe.
#ifndef GPULET_HOSTFS_DRIVER_ROOT_PATHS_H_
#define GPULET_HOSTFS_DRIVER_ROOT_PATHS_H_

#include <string_view>

namespace gpulet::hostfs {

// Driver installed on the host.
inline constexpr std::string_view kStandardDriverRoot = "/";
// NVIDIA GPU Operator's driver container: driver and dev root.
inline constexpr std::string_view kGpuOperatorDriverRoot = "/run/nvidia/driver";
// GKE Container-Optimized OS, and where GKE mounts it in containers.
inline constexpr std::string_view kGkeCosDriverRoot = "/home/kubernetes/bin/nvidia";
inline constexpr std::string_view kGkeCosContainerDriverRoot = "/usr/local/nvidia";

// Every known driver root, the host install first.
inline constexpr std::string_view kKnownDriverRoots[] = {
    kStandardDriverRoot, kGpuOperatorDriverRoot, kGkeCosDriverRoot};

}  // namespace gpulet::hostfs

#endif  // GPULET_HOSTFS_DRIVER_ROOT_PATHS_H_

// Locating libnvidia-ml.so.1 for dlopen, as NVIDIA's device plugin does.
//
// With the driver under a non-"/" root (GPU Operator, GKE) the library is
// not on gpulet's loader path; it is looked for under the driver root in
// the directories below, symlinks followed in host space, and returned as
// the path gpulet itself can dlopen.
//
// Thread-safe (reads only).
#ifndef GPULET_HOSTFS_NVML_LIBRARY_H_
#define GPULET_HOSTFS_NVML_LIBRARY_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "hostfs/driver_roots.h"
#include "hostfs/host_view.h"

namespace gpulet::hostfs {

inline constexpr std::string_view kNvmlLibraryName = "libnvidia-ml.so.1";

// Directories below the driver root searched for kNvmlLibraryName, in order
// (NVIDIA k8s-device-plugin's list).
inline constexpr std::string_view kNvmlLibraryDirs[] = {
    "usr/lib64",  "usr/lib/x86_64-linux-gnu", "usr/lib/aarch64-linux-gnu",
    "lib64",      "lib/x86_64-linux-gnu",     "lib/aarch64-linux-gnu"};

// The path to pass to dlopen. When the driver root is "/" and `view` is the
// identity, returns the bare "libnvidia-ml.so.1" so that dlopen searches
// ld.so.cache and LD_LIBRARY_PATH like the NVIDIA plugin. Otherwise returns
// the agent path of the first <driver root>/<dir>/libnvidia-ml.so.1 that
// resolves to a regular file; NotFound listing the host paths tried.
absl::StatusOr<std::string> FindNvmlLibrary(const HostView& view,
                                            const DriverRoots& roots);

}  // namespace gpulet::hostfs

#endif  // GPULET_HOSTFS_NVML_LIBRARY_H_

// DriverLibraries: the driver's user-space libraries a container needs, and
// the symlinks the create-symlinks hook must recreate next to them.
//
// The set is not a fixed list: it is every "*.so.<driver version>" file in
// the directories holding the driver's libraries (and their vdpau/), as
// nvidia-ctk does, so libraries a new driver adds are included without a
// code change. Several directories are normal: Debian splits the driver
// between ".../x86_64-linux-gnu" and ".../nvidia/current" (#1559, #1908).
//
// Plain values built once; thread-safe to read.
#ifndef GPULET_CDI_DRIVER_LIBRARIES_H_
#define GPULET_CDI_DRIVER_LIBRARIES_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "cdi/library_locator.h"

namespace gpulet::cdi {

// A host file and the path it is mounted at in containers.
struct DriverFile {
  std::string host_path;
  std::string container_path;

  friend auto operator<=>(const DriverFile&, const DriverFile&) = default;
  friend bool operator==(const DriverFile&, const DriverFile&) = default;
};

// A symlink for create-symlinks: "<target>::<link>", link in container space.
struct LibraryLink {
  std::string target;  // verbatim, usually relative: "libcuda.so.1"
  std::string link;    // "/usr/lib/x86_64-linux-gnu/libcuda.so"

  std::string ToHookArg() const { return target + "::" + link; }
  friend auto operator<=>(const LibraryLink&, const LibraryLink&) = default;
  friend bool operator==(const LibraryLink&, const LibraryLink&) = default;
};

struct DriverLibraries {
  std::vector<DriverFile> libraries;   // sorted by container path
  std::vector<LibraryLink> links;      // sorted by link
  // Container dirs of the driver's own libraries (those matching
  // lib*.so.<version>), in search order: NVIDIA_CTK_LIBCUDA_DIR.
  std::vector<std::string> library_dirs;
  // The same dirs as host paths.
  std::vector<std::string> host_library_dirs;
  // Things not found or skipped, for the caller to log.
  std::vector<std::string> warnings;
};

// The driver version from library file names: the suffix of the first
// "libcuda.so.X.Y" found, else of "libnvidia-ml.so.X.Y". FailedPrecondition
// saying what was looked for when neither exists.
absl::StatusOr<std::string> InferDriverVersion(const LibraryLocator& locator);

// The libraries the feature flag enable-explicit-driver-libraries adds, by
// file name, looked for in the driver's library dirs and their nvidia/
// subdirs as nvidia-ctk does: GLVND, OpenCL and the NVIDIA API libraries
// that carry no driver version suffix.
inline constexpr std::string_view kExplicitDriverLibraries[] = {
    "libEGL.so",     "libGL.so",      "libGLESv1_CM.so",  "libGLESv2.so",
    "libGLX.so",     "libGLdispatch.so", "libOpenCL.so",  "libOpenGL.so",
    "libnvidia-api.so", "libnvidia-egl-xcb.so", "libnvidia-egl-xlib.so"};

// Locates the libraries of driver `version`, plus kExplicitDriverLibraries
// (symlink-resolved, so "libEGL.so" mounts the file it names) when
// `explicit_libraries`. FailedPrecondition naming the pattern when no
// "lib*.so.<version>" is found at all (wrong driver root).
absl::StatusOr<DriverLibraries> LocateDriverLibraries(const LibraryLocator& locator,
                                                      const std::string& version,
                                                      bool explicit_libraries = false);

}  // namespace gpulet::cdi

#endif  // GPULET_CDI_DRIVER_LIBRARIES_H_

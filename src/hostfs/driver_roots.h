// DriverRoots: where the NVIDIA driver lives on the node and where its files
// appear inside workload containers.
//
// Three roots, all absolute host-side or container-side directories:
//   driver root           host dir holding the driver's userspace
//                         ("/", "/run/nvidia/driver", "/home/kubernetes/bin/nvidia")
//   dev root              host dir whose "dev/" holds the device nodes
//                         ("/", "/run/nvidia/driver"); NVIDIA defaults it to
//                         the driver root
//   container driver root where the driver root is mounted in workload
//                         containers ("/" everywhere but GKE's "/usr/local/nvidia")
// A driver file's container path is its host path with the driver root
// replaced by the container driver root; a device node's is its path below
// the dev root, i.e. always "/dev/...". This class is the only place that
// does that replacement (DESIGN: paths are translated in one place).
//
// A plain value: copyable, immutable, thread-safe.
#ifndef GPULET_HOSTFS_DRIVER_ROOTS_H_
#define GPULET_HOSTFS_DRIVER_ROOTS_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace gpulet::hostfs {

class DriverRoots {
 public:
  // Driver installed on the host: every root is "/".
  static DriverRoots Standard();
  // NVIDIA GPU Operator driver container: driver and dev root
  // "/run/nvidia/driver".
  static DriverRoots GpuOperator();
  // GKE Container-Optimized OS: driver root "/home/kubernetes/bin/nvidia",
  // dev root "/", container driver root "/usr/local/nvidia".
  static DriverRoots GkeCos();

  // Normalizes the three roots. An empty `dev_root` means "the driver root"
  // (NVIDIA's default). InvalidArgument naming the field
  // ("driver root", "dev root", "container driver root") and quoting the
  // value when one is relative.
  static absl::StatusOr<DriverRoots> Create(
      std::string_view driver_root, std::string_view dev_root,
      std::string_view container_driver_root = "/");

  const std::string& driver_root() const { return driver_root_; }
  const std::string& dev_root() const { return dev_root_; }
  const std::string& container_driver_root() const {
    return container_driver_root_;
  }

  // Host path of a driver file named relative to the driver root:
  // DriverPath("usr/lib64/libcuda.so.1") under "/run/nvidia/driver" is
  // "/run/nvidia/driver/usr/lib64/libcuda.so.1".
  std::string DriverPath(std::string_view relative) const;

  // Host path of a device node in the configured dev root:
  // DevicePath("nvidia0") is "<dev root>/dev/nvidia0".
  std::string DevicePath(std::string_view name) const;

  // Container path of host path `host_path` of a driver file
  // ("/home/kubernetes/bin/nvidia/lib64/libcuda.so.1" →
  // "/usr/local/nvidia/lib64/libcuda.so.1"). InvalidArgument quoting the path
  // and the driver root when it is not under the driver root.
  absl::StatusOr<std::string> ToContainerPath(std::string_view host_path) const;

  friend bool operator==(const DriverRoots&, const DriverRoots&) = default;

 private:
  DriverRoots(std::string driver_root, std::string dev_root,
              std::string container_driver_root);

  std::string driver_root_;
  std::string dev_root_;
  std::string container_driver_root_;
};

}  // namespace gpulet::hostfs

#endif  // GPULET_HOSTFS_DRIVER_ROOTS_H_

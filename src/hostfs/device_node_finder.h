// DeviceNodeFinder: locates NVIDIA device nodes (/dev/nvidiactl,
// /dev/nvidia<N>, /dev/nvidia-caps/nvidia-cap<N>, ...) on the host.
//
// Nodes are looked for in a list of dev roots, in order: the configured dev
// root, the driver root, then the parents of tmpfs/devtmpfs ".../dev" mounts
// found in /proc/self/mountinfo. The last step is what makes GPU Operator
// nodes work when the host's own /dev has no nvidiactl (the driver
// container keeps its nodes in "/run/nvidia/driver/dev"); a missing
// /dev/nvidiactl is therefore never taken to mean "no driver" (see
// HostFs::NvidiaDriverLoaded).
//
// Immutable after Create(); const methods are thread-safe. Each lookup
// stats the filesystem anew, so nodes created later are found.
#ifndef GPULET_HOSTFS_DEVICE_NODE_FINDER_H_
#define GPULET_HOSTFS_DEVICE_NODE_FINDER_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "hostfs/driver_roots.h"
#include "hostfs/host_view.h"

namespace gpulet::hostfs {

// A device node that exists on the host.
struct DeviceNode {
  std::string name;            // below /dev: "nvidiactl", "nvidia-caps/nvidia-cap12"
  std::string host_path;       // e.g. "/run/nvidia/driver/dev/nvidiactl"
  std::string container_path;  // always "/dev/" + name
  // stat() of the node. Normally a character device; fixture trees made
  // without CAP_MKNOD hold regular files, so callers that need the device
  // number check info.type.
  FileInfo info;

  friend bool operator==(const DeviceNode&, const DeviceNode&) = default;
};

class DeviceNodeFinder {
 public:
  // The control nodes every CUDA container needs, in the order nvidia-ctk
  // lists them.
  static constexpr std::string_view kControlNodeNames[] = {
      "nvidia-modeset", "nvidia-uvm-tools", "nvidia-uvm", "nvidiactl"};

  // Searches exactly `dev_roots` (host dirs, absolute), in order.
  DeviceNodeFinder(HostView view, std::vector<std::string> dev_roots);

  // Builds the search list from `roots` and the host's /proc/self/mountinfo
  // read through `view` (mount points mapped back with
  // HostView::ToHostPath; dev mounts under the driver root come first). A
  // missing mountinfo only shortens the list; an unparsable one is
  // InvalidArgument naming the file and line.
  static absl::StatusOr<DeviceNodeFinder> Create(HostView view,
                                                 const DriverRoots& roots);

  // Host dirs searched, in order, without duplicates.
  const std::vector<std::string>& dev_roots() const { return dev_roots_; }

  // The first "<dev root>/dev/<name>" that exists and is not a directory.
  // `name` is relative to /dev ("nvidia0", "nvidia-caps/nvidia-cap3").
  // NotFound quoting the name and every dev root searched; InvalidArgument
  // for an empty, absolute or ".."-containing name.
  absl::StatusOr<DeviceNode> Find(std::string_view name) const;

  // /dev/nvidia<minor> of a full GPU (minor from NVML's GetMinorNumber).
  absl::StatusOr<DeviceNode> FindGpu(int minor) const;

  // /dev/nvidia-caps/nvidia-cap<cap_minor> (minor from MigMinors).
  absl::StatusOr<DeviceNode> FindMigCap(int cap_minor) const;

  // Those of kControlNodeNames that exist, in that order. Absent ones are
  // skipped (nvidia-modeset and nvidia-uvm-tools are often missing).
  std::vector<DeviceNode> FindControlNodes() const;

 private:
  HostView view_;
  std::vector<std::string> dev_roots_;
};

}  // namespace gpulet::hostfs

#endif  // GPULET_HOSTFS_DEVICE_NODE_FINDER_H_

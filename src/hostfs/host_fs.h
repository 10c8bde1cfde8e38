// HostFs: the node's NVIDIA-related files, read through one HostView with
// one set of DriverRoots. The entry point the inventory and CDI use.
//
// Example:
//   ASSIGN_OR_RETURN(HostView view, HostView::AtPrefix("/host"));
//   ASSIGN_OR_RETURN(HostFs host, HostFs::Open(view, DriverRoots::GpuOperator()));
//   ASSIGN_OR_RETURN(bool loaded, host.NvidiaDriverLoaded());
//   ASSIGN_OR_RETURN(DeviceNode ctl, host.device_nodes().Find("nvidiactl"));
//   ASSIGN_OR_RETURN(std::optional<int> numa, host.ReadNumaNode(bus_id));
//
// Immutable after Open(); const methods are thread-safe. Every read goes to
// the filesystem (nothing is cached but the dev root search list).
#ifndef GPULET_HOSTFS_HOST_FS_H_
#define GPULET_HOSTFS_HOST_FS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "hostfs/device_node_finder.h"
#include "hostfs/driver_roots.h"
#include "hostfs/host_view.h"
#include "hostfs/mig_minors.h"
#include "hostfs/pci_bus_id.h"

namespace gpulet::hostfs {

class HostFs {
 public:
  // Reads /proc/self/mountinfo once to build the device node search list.
  // Errors as DeviceNodeFinder::Create.
  static absl::StatusOr<HostFs> Open(HostView view, DriverRoots roots);

  const HostView& view() const { return view_; }
  const DriverRoots& roots() const { return roots_; }
  const DeviceNodeFinder& device_nodes() const { return device_nodes_; }

  // Whether the NVIDIA kernel driver is loaded with at least one GPU: the
  // host's /proc/driver/nvidia/gpus/ is a non-empty directory. Not the
  // presence of /dev/nvidiactl, which GPU Operator nodes may lack (CRIU gave
  // up on such nodes). Returns false when the directory is absent or empty;
  // an error only when it cannot be read.
  absl::StatusOr<bool> NvidiaDriverLoaded() const;

  // Parsed /proc/driver/nvidia-caps/mig-minors. NotFound naming the file
  // when it is absent (driver without MIG support, or not loaded);
  // InvalidArgument naming the file and line when it is malformed.
  absl::StatusOr<MigMinors> ReadMigMinors() const;

  // NUMA node of a PCI device from /sys/bus/pci/devices/<sysfs id>/numa_node;
  // nullopt when the kernel reports -1 (no NUMA affinity). NotFound naming
  // the file when the device or the file is absent; InvalidArgument naming
  // the file and quoting the content when it is not an integer >= -1.
  absl::StatusOr<std::optional<int>> ReadNumaNode(const PciBusId& bus_id) const;

  // FindNvmlLibrary(view(), roots()).
  absl::StatusOr<std::string> FindNvmlLibrary() const;

 private:
  HostFs(HostView view, DriverRoots roots, DeviceNodeFinder device_nodes);

  HostView view_;
  DriverRoots roots_;
  DeviceNodeFinder device_nodes_;
};

}  // namespace gpulet::hostfs

#endif  // GPULET_HOSTFS_HOST_FS_H_

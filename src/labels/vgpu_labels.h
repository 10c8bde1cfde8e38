// vgpu.present, vgpu.host-driver-version and vgpu.host-driver-branch: whether
// the node's GPUs are vGPUs (a VM guest on a host running NVIDIA's vGPU
// manager), and the host driver that manager runs.
//
// A vGPU shows itself by a vendor-specific PCI capability with the "VF"
// signature; records after it (type byte, length byte, data) include the
// host driver record (type 0): 10 bytes of version and 10 of branch,
// NUL-padded. Reading capabilities needs the whole config space, which the
// kernel gives to root only.
//
// Pure functions over their inputs (VgpuLabels reads sysfs); thread-safe.
#ifndef GPULET_LABELS_VGPU_LABELS_H_
#define GPULET_LABELS_VGPU_LABELS_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "hostfs/host_view.h"
#include "labels/labeler.h"

namespace gpulet::labels {

struct VgpuHostDriver {
  std::string version;  // "550.54.16"
  std::string branch;   // "r550_40"
};

// True when vendor-specific capability `capability` (from its id byte on)
// carries the vGPU signature.
bool IsVgpuCapability(std::string_view capability);

// The host driver record of vGPU capability `capability`. InvalidArgument
// when a record's length is below 2 (which would never advance) or the list
// ends, or the capability is cut, before the host driver record.
absl::StatusOr<VgpuHostDriver> ParseVgpuHostDriver(std::string_view capability);

// Scans the config space of every NVIDIA PCI function under
// /sys/bus/pci/devices:
//   a vGPU found      → vgpu.present=true, plus the host driver labels when
//                       its record parses (a warning otherwise);
//   none found        → vgpu.present=false, when at least one function's
//                       capabilities could be read;
//   nothing readable  → no labels (no NVIDIA function, or unprivileged
//                       reads that stop at the header), and a warning
//                       per unreadable function naming it and the cause.
LabelMap VgpuLabels(const hostfs::HostView& host);

}  // namespace gpulet::labels

#endif  // GPULET_LABELS_VGPU_LABELS_H_

// The node-wide labels of GFD's catalogue that are not per resource:
// driver and CUDA versions, mig.capable, mps.capable, gpu.mode and
// gpu.machine. Each is a function of the Inventory (and for gpu.mode and
// gpu.machine of host files read through a HostView).
//
// Pure functions over their inputs; thread-safe.
#ifndef GPULET_LABELS_NODE_LABELS_H_
#define GPULET_LABELS_NODE_LABELS_H_

#include <string>
#include <string_view>

#include "config/sharing.h"
#include "hostfs/host_view.h"
#include "inventory/inventory.h"
#include "labels/labeler.h"

namespace gpulet::labels {

// cuda.driver.{major,minor,rev}, cuda.driver-version.{major,minor,revision,
// full} from the driver version "550.54.15" (rev "" for "X.Y"), and
// cuda.runtime.{major,minor}, cuda.runtime-version.{major,minor,full} from
// the CUDA driver version 12040 → 12, 4. A driver version that is not
// X.Y[.Z] only gets cuda.driver-version.full (when it is a valid value).
LabelMap VersionLabels(const inventory::Inventory& inventory);

// mig.capable: "true" when any GPU is MIG-capable.
LabelMap MigCapableLabels(const inventory::Inventory& inventory);

// mps.capable: "true" when the config shares GPUs with MPS and no GPU has
// MIG enabled (MPS serves full GPUs only; NVIDIA's GFD fails outright
// there, gpulet labels "false" and warns).
LabelMap MpsCapableLabels(const inventory::Inventory& inventory, const Sharing& sharing);

// gpu.mode from the PCI class of every GPU
// (/sys/bus/pci/devices/<id>/class): 0x0300xx → "graphics", 0x0302xx →
// "compute"; GPUs that disagree or an unreadable class → "unknown".
LabelMap GpuModeLabels(const inventory::Inventory& inventory,
                       const hostfs::HostView& host);

// gpu.machine: the first line of host file `machine_type_file` (normally
// /sys/class/dmi/id/product_name) as a label value, "unknown" when it
// cannot be read or is empty.
LabelMap MachineTypeLabels(const hostfs::HostView& host,
                           std::string_view machine_type_file);

}  // namespace gpulet::labels

#endif  // GPULET_LABELS_NODE_LABELS_H_

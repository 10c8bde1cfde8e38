// Builds an Inventory from NVML and the host filesystem.
//
// The only place that turns NVML answers and host files into the node
// model. A GPU that cannot be read completely (it fell off the bus, a query
// failed) stays in the inventory with `problem` set, so callers can report
// it and decide not to advertise it; only a failure of the node-wide
// queries (device count) fails the whole build.
//
// Thread-safe: reentrant; NVML calls are thread-safe.
#ifndef GPULET_INVENTORY_INVENTORY_BUILDER_H_
#define GPULET_INVENTORY_INVENTORY_BUILDER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "hostfs/host_fs.h"
#include "inventory/inventory.h"
#include "nvml/nvml_library.h"

namespace gpulet::inventory {

// Errors: the status of nvmlDeviceGetCount or nvmlSystemGetDriverVersion
// (e.g. kFailedPrecondition when the driver is not loaded).
absl::StatusOr<std::shared_ptr<const Inventory>> BuildInventory(
    const std::shared_ptr<const nvml::NvmlLibrary>& library,
    const hostfs::HostFs& host);

}  // namespace gpulet::inventory

#endif  // GPULET_INVENTORY_INVENTORY_BUILDER_H_

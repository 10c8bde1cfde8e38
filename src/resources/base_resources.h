// BaseResources: the unshared devices of each resource name that a MIG
// strategy makes of an Inventory (the first half of BuildResourceSets()).
//
// Internal to resources/. Pure function; thread-safe.
#ifndef GPULET_RESOURCES_BASE_RESOURCES_H_
#define GPULET_RESOURCES_BASE_RESOURCES_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "inventory/inventory.h"
#include "resources/device.h"
#include "resources/resource_name.h"
#include "resources/resource_options.h"

namespace gpulet::resources {

struct BaseResources {
  std::map<ResourceName, std::vector<Device>> devices;
  std::vector<std::string> warnings;
};

// A whole GPU as a Device, and a MIG device of `gpu`.
Device GpuDevice(const inventory::Gpu& gpu);
absl::StatusOr<Device> MigDeviceOf(const inventory::Gpu& gpu,
                                   const inventory::MigDevice& mig);

// Errors: see the single and mixed rules in resource_set.h.
absl::StatusOr<BaseResources> BuildBaseResources(
    const inventory::Inventory& inventory, MigStrategy strategy);

}  // namespace gpulet::resources

#endif  // GPULET_RESOURCES_BASE_RESOURCES_H_

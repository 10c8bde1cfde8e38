// ApplySharing: turns the unshared devices of each resource into the
// ResourceSets the plugin serves, replicating the devices that the sharing
// entries select (the second half of BuildResourceSets()).
//
// Internal to resources/. Pure function; thread-safe.
#ifndef GPULET_RESOURCES_SHARING_H_
#define GPULET_RESOURCES_SHARING_H_

#include "absl/status/statusor.h"
#include "inventory/inventory.h"
#include "resources/base_resources.h"
#include "resources/resource_options.h"
#include "resources/resource_set.h"

namespace gpulet::resources {

// Errors: see the sharing rules in resource_set.h.
absl::StatusOr<ResourceSets> ApplySharing(BaseResources base,
                                          const inventory::Inventory& inventory,
                                          const ResourceOptions& options);

}  // namespace gpulet::resources

#endif  // GPULET_RESOURCES_SHARING_H_

#include "resources/resource_set.h"

#include <algorithm>

#include "base/absl_string_view.h"
#include "base/status_macros.h"
#include "resources/base_resources.h"
#include "resources/sharing.h"

namespace gpulet::resources {

std::string_view HealthName(Health health) {
  return health == Health::kHealthy ? "Healthy" : "Unhealthy";
}

ResourceSet::ResourceSet(ResourceName name, std::vector<Device> devices,
                         SharingStrategy sharing,
                         bool fail_requests_greater_than_one)
    : name_(std::move(name)),
      devices_(std::move(devices)),
      sharing_(sharing),
      fail_requests_greater_than_one_(fail_requests_greater_than_one) {
  by_id_.reserve(devices_.size());
  for (size_t i = 0; i < devices_.size(); ++i) {
    by_id_.emplace(devices_[i].id.ToString(), i);
    if (devices_[i].id.replica().has_value()) replicated_ = true;
  }
}

const Device* ResourceSet::Find(const DeviceId& id) const {
  return Find(id.ToString());
}

const Device* ResourceSet::Find(std::string_view id) const {
  auto it = by_id_.find(AsAbsl(id));
  return it == by_id_.end() ? nullptr : &devices_[it->second];
}

const ResourceSet* ResourceSets::Find(const ResourceName& name) const {
  for (const auto& set : sets) {
    if (set->name() == name) return set.get();
  }
  return nullptr;
}

absl::StatusOr<ResourceSets> BuildResourceSets(
    const inventory::Inventory& inventory, const ResourceOptions& options) {
  ASSIGN_OR_RETURN(BaseResources base,
                   BuildBaseResources(inventory, options.mig_strategy));
  return ApplySharing(std::move(base), inventory, options);
}

}  // namespace gpulet::resources

// ResourceSet: the devices the plugin serves under one resource name, and
// BuildResourceSets(), which derives every set from an Inventory and the
// MIG and sharing options, as the NVIDIA plugin does:
//
//   mig none     every GPU (MIG-enabled or not) is one nvidia.com/gpu
//   mig single   every MIG device is one nvidia.com/gpu; all GPUs must be
//                MIG-enabled with at least one MIG device, all of one
//                profile — else an error
//   mig mixed    non-MIG GPUs are nvidia.com/gpu, MIG devices are
//                nvidia.com/mig-<profile> ('+' → '.'); a MIG-enabled GPU
//                without MIG devices is a warning; a profile that is not a
//                whole GPU instance ("1c.3g.20gb") is an error
//   sharing      each replicated device becomes `replicas` devices
//                "<UUID>::<n>"; renameByDefault appends ".shared"
//
// Better than NVIDIA: the `devices` field of a sharing entry is honoured,
// so different GPUs may have different replica counts (several entries for
// one resource, with disjoint device selections); devices no entry selects
// stay unshared under the original name. `rename` stays ignored, as in
// NVIDIA's plugin, so resource names are the same as NVIDIA's.
//
// A ResourceSet is immutable and shared as std::shared_ptr<const
// ResourceSet>; thread-safe to read.
#ifndef GPULET_RESOURCES_RESOURCE_SET_H_
#define GPULET_RESOURCES_RESOURCE_SET_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "inventory/inventory.h"
#include "resources/device.h"
#include "resources/device_id.h"
#include "resources/resource_name.h"
#include "resources/resource_options.h"

namespace gpulet::resources {

class ResourceSet {
 public:
  // `devices` in advertising order, IDs unique (checked by the builder).
  ResourceSet(ResourceName name, std::vector<Device> devices,
              SharingStrategy sharing, bool fail_requests_greater_than_one);

  const ResourceName& name() const { return name_; }
  // Ordered by GPU index, MIG slot, replica.
  const std::vector<Device>& devices() const { return devices_; }
  SharingStrategy sharing() const { return sharing_; }
  // Whether any device of the set is a replica.
  bool replicated() const { return replicated_; }
  // With sharing: more than one device per container request is an error.
  bool fail_requests_greater_than_one() const {
    return fail_requests_greater_than_one_;
  }

  // The device with kubelet ID `id`; nullptr when the set has none.
  const Device* Find(const DeviceId& id) const;
  const Device* Find(std::string_view id) const;

 private:
  ResourceName name_;
  std::vector<Device> devices_;
  SharingStrategy sharing_;
  bool fail_requests_greater_than_one_;
  bool replicated_ = false;
  absl::flat_hash_map<std::string, size_t> by_id_;
};

struct ResourceSets {
  // Sorted by resource name; empty sets are left out.
  std::vector<std::shared_ptr<const ResourceSet>> sets;
  // Things an operator should know that do not stop the plugin ("GPU 5 is
  // MIG-enabled but has no MIG devices"); log them.
  std::vector<std::string> warnings;

  const ResourceSet* Find(const ResourceName& name) const;
};

// Errors, all kInvalidArgument naming the field or device and the value:
//   - the single strategy on a node where a GPU is not MIG-enabled, has no
//     MIG devices, or MIG devices of different profiles;
//   - the mixed strategy with a MIG device whose profile is not a whole GPU
//     instance;
//   - MPS with the mixed strategy or on a MIG resource; MPS replicas above
//     48 (16 before compute capability 7.5);
//   - a sharing entry with replicas < 2, an invalid or unknown resource
//     name, a device selector naming an unknown device, two entries for the
//     same resource that select the same device, a count above the number
//     of devices.
absl::StatusOr<ResourceSets> BuildResourceSets(
    const inventory::Inventory& inventory, const ResourceOptions& options);

}  // namespace gpulet::resources

#endif  // GPULET_RESOURCES_RESOURCE_SET_H_

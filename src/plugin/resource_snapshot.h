// ResourceSnapshot: everything one resource advertises at one moment — its
// devices with their health and NUMA node, and the backend that allocates
// them — under a version number that only grows.
//
// A health change or a new layout publishes a new snapshot
// (ResourcePublisher); one is never modified once built, and is shared as
// std::shared_ptr<const ResourceSnapshot>, so an RPC that loaded one sees a
// consistent device list and allocator for its whole duration.
//
// Immutable; thread-safe.
#ifndef GPULET_PLUGIN_RESOURCE_SNAPSHOT_H_
#define GPULET_PLUGIN_RESOURCE_SNAPSHOT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "deviceplugin/v1beta1/api.pb.h"
#include "plugin/resource_backend.h"

namespace gpulet::plugin {

// One device as the kubelet sees it.
struct AdvertisedDevice {
  std::string id;  // "GPU-…", "MIG-…", "GPU-…::2"
  bool healthy = true;
  std::optional<int64_t> numa_node;

  friend bool operator==(const AdvertisedDevice&, const AdvertisedDevice&) = default;
};

struct ResourceSnapshot {
  uint64_t version = 0;
  std::vector<AdvertisedDevice> devices;
  // Never null in a published snapshot.
  std::shared_ptr<const ResourceBackend> backend;

  // The ListAndWatch message for `devices`, in their order.
  v1beta1::ListAndWatchResponse ToListAndWatchResponse() const;
  size_t HealthyCount() const;
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_RESOURCE_SNAPSHOT_H_

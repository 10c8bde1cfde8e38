#include "plugin/resource_snapshot.h"

namespace gpulet::plugin {

v1beta1::ListAndWatchResponse ResourceSnapshot::ToListAndWatchResponse() const {
  v1beta1::ListAndWatchResponse response;
  for (const AdvertisedDevice& device : devices) {
    v1beta1::Device* out = response.add_devices();
    out->set_id(device.id);
    out->set_health(device.healthy ? "Healthy" : "Unhealthy");
    if (device.numa_node.has_value()) {
      out->mutable_topology()->add_nodes()->set_id(*device.numa_node);
    }
  }
  return response;
}

size_t ResourceSnapshot::HealthyCount() const {
  size_t count = 0;
  for (const AdvertisedDevice& device : devices) count += device.healthy ? 1 : 0;
  return count;
}

}  // namespace gpulet::plugin

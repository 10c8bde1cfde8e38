// Device: one device as the plugin advertises it to kubelet — a whole GPU,
// a MIG device, or one replica of either.
//
// Built by BuildResourceSets() from the Inventory; part of an immutable
// ResourceSet, so never changed after construction. Health here is the
// health known when the set was built (a GPU the inventory could not read
// is Unhealthy); the live health comes from health/ and is combined with
// this by the plugin.
//
// Plain values; thread-safe to read.
#ifndef GPULET_RESOURCES_DEVICE_H_
#define GPULET_RESOURCES_DEVICE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "inventory/inventory.h"
#include "resources/device_id.h"
#include "resources/mig_profile.h"

namespace gpulet::resources {

enum class Health { kHealthy, kUnhealthy };

// Kubelet's spelling: "Healthy" / "Unhealthy".
std::string_view HealthName(Health health);

struct Device {
  // What kubelet sees: "GPU-...", "MIG-..." or "<UUID>::<n>". id.uuid() is
  // the underlying GPU or MIG UUID.
  DeviceId id{""};
  // NVML index: "3" for a GPU, "<gpu>:<mig slot>" ("0:2") for a MIG device
  // (the --device-id-strategy=index runtime ID and CDI device name).
  std::string index;
  // The physical GPU: its NVML index and UUID (the parent for MIG devices).
  unsigned int gpu_index = 0;
  std::string gpu_uuid;
  // Set for MIG devices.
  std::optional<MigProfile> mig_profile;
  std::optional<unsigned int> gpu_instance_id;
  std::optional<unsigned int> compute_instance_id;
  // NUMA node of the GPU (MIG devices inherit it); nullopt when unknown.
  std::optional<int> numa_node;
  // What a container needs: /dev/nvidia<minor>, and for MIG devices also the
  // GI and CI access capability nodes, in that order.
  std::vector<inventory::DeviceNodeRef> device_nodes;
  uint64_t memory_bytes = 0;
  // How many replicas the underlying device is split into; 1 if unshared.
  int replicas = 1;
  Health health = Health::kHealthy;
  // Why the device is Unhealthy from the start; empty when Healthy.
  std::string problem;

  bool is_mig() const { return mig_profile.has_value(); }
};

}  // namespace gpulet::resources

#endif  // GPULET_RESOURCES_DEVICE_H_

// ResourceSource: where the Manager gets the resources to serve — the seam
// between the lifecycle and the config, inventory and resources modules.
//
// NodeResourceSource builds them from the merged config and a fresh
// Inventory snapshot; lifecycle tests use a scripted fake. The Manager
// calls Build() at start, after a config reload, on its rescan timer (to
// pick up a new MIG layout) and to retry after a failure, then serves the
// difference: only resources whose devices or options changed
// re-advertise.
//
// Implementations are called from the Manager's thread only.
#ifndef GPULET_PLUGIN_RESOURCE_SOURCE_H_
#define GPULET_PLUGIN_RESOURCE_SOURCE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "plugin/resource_backend.h"
#include "plugin/resource_snapshot.h"

namespace gpulet::plugin {

// One resource to advertise, as built from one config and one inventory.
struct ResourceSpec {
  std::string name;  // "nvidia.com/gpu"
  // In advertising order, with the health known when built (a GPU the
  // inventory could not read is unhealthy).
  std::vector<AdvertisedDevice> devices;
  // Parallel to `devices`: the GPU or MIG UUID whose live health (from the
  // HealthFeed) applies to the device; "" when none does.
  std::vector<std::string> health_keys;
  std::shared_ptr<const ResourceBackend> backend;
};

struct NodeResources {
  std::vector<ResourceSpec> resources;  // unique names
  // Changes when the config (and so every backend's options) changed, so
  // that the Manager republishes resources whose devices stayed the same.
  uint64_t config_generation = 0;
};

class ResourceSource {
 public:
  virtual ~ResourceSource() = default;

  // Re-reads the config (SIGHUP). On error (InvalidArgument naming the
  // file, field and reason) the running config stays in effect.
  virtual absl::Status ReloadConfig() = 0;

  // The resources for the current config and node. On error nothing the
  // Manager serves changes; it retries later.
  virtual absl::StatusOr<NodeResources> Build() = 0;
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_RESOURCE_SOURCE_H_

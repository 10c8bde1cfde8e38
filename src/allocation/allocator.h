// Allocator: builds the Allocate response for one container of one
// resource, exactly as NVIDIA's plugin does (reference §6):
//
//   envvar           NVIDIA_VISIBLE_DEVICES=<id>,<id>; NVIDIA_IMEX_CHANNELS
//   volume-mounts    NVIDIA_VISIBLE_DEVICES=/var/run/nvidia-container-devices
//                    and /dev/null mounted at .../<id> per device (and
//                    .../imex/<channel>)
//   cdi-annotations  <prefix>nvidia-device-plugin_<unique id> = CDI names
//   cdi-cri          one CDI device per CDI name
//   always           NVIDIA_GDRCOPY/GDS/MOFED=enabled when on; MPS pipe env
//                    and mounts for MPS-shared resources
//   device specs     with --pass-device-specs and a non-CDI strategy:
//                    control nodes, then every device's nodes, then IMEX
//
// Runtime IDs are the UUIDs (uuid strategy) or index strings (index
// strategy) of the requested devices, de-duplicated, in request order —
// NVIDIA's index order is map order; gpulet's is deterministic. Device
// specs are de-duplicated too (NVIDIA repeats them for replicas).
//
// Immutable after construction; Allocate() is thread-safe as long as the
// unique-id generator is.
#ifndef GPULET_ALLOCATION_ALLOCATOR_H_
#define GPULET_ALLOCATION_ALLOCATOR_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "allocation/allocate_options.h"
#include "allocation/container_allocation.h"
#include "hostfs/device_node_finder.h"
#include "resources/resource_set.h"

namespace gpulet::allocation {

// The CDI vendor and classes the plugin's specs use.
inline constexpr std::string_view kCdiVendor = "k8s.device-plugin.nvidia.com";

// A fresh random (version 4) UUID, NVIDIA's annotation key suffix.
std::string RandomUuid();

class Allocator {
 public:
  // `control_nodes` are the inventory's (nvidiactl, nvidia-uvm, ...).
  // `unique_id` makes the suffix of the CDI annotation key, which must
  // differ between the containers of a pod; tests pass a fixed one.
  Allocator(std::shared_ptr<const resources::ResourceSet> set,
            AllocateOptions options,
            std::vector<hostfs::DeviceNode> control_nodes,
            std::function<std::string()> unique_id = RandomUuid);

  // The response for one container requesting `device_ids` (kubelet IDs).
  // Errors (kInvalidArgument): an empty request; an ID that is not one of
  // this resource's devices (naming it and the resource); with
  // fail_requests_greater_than_one, more than one ID: NVIDIA's text
  // "maximum request size for shared resources is 1; found <N>".
  absl::StatusOr<ContainerAllocation> Allocate(
      const std::vector<std::string>& device_ids) const;

  const resources::ResourceSet& set() const { return *set_; }

 private:
  std::vector<std::string> RuntimeIds(
      const std::vector<const resources::Device*>& devices) const;
  void AddCdi(const std::vector<std::string>& runtime_ids,
              ContainerAllocation& out) const;
  void AddMps(ContainerAllocation& out) const;
  void AddEnvVar(const std::vector<std::string>& runtime_ids,
                 ContainerAllocation& out) const;
  void AddVolumeMounts(const std::vector<std::string>& runtime_ids,
                       ContainerAllocation& out) const;
  void AddDeviceSpecs(const std::vector<const resources::Device*>& devices,
                      ContainerAllocation& out) const;

  std::shared_ptr<const resources::ResourceSet> set_;
  AllocateOptions options_;
  std::vector<hostfs::DeviceNode> control_nodes_;
  std::function<std::string()> unique_id_;
};

}  // namespace gpulet::allocation

#endif  // GPULET_ALLOCATION_ALLOCATOR_H_

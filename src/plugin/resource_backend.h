// ResourceBackend: what one advertised resource does when the kubelet asks
// it to allocate — the seam between the gRPC servers and the resource and
// allocation modules.
//
// Two implementations: AllocatorBackend (resources/ + allocation/, the real
// thing) and the fixed-answer backend of the plugin tests.
//
// Implementations are immutable and thread-safe: every RPC thread calls
// them concurrently, and they must neither block nor call NVML.
#ifndef GPULET_PLUGIN_RESOURCE_BACKEND_H_
#define GPULET_PLUGIN_RESOURCE_BACKEND_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "deviceplugin/v1beta1/api.pb.h"

namespace gpulet::plugin {

class ResourceBackend {
 public:
  virtual ~ResourceBackend() = default;

  // The response for one container that was given `device_ids` (kubelet
  // IDs, e.g. "GPU-…" or "GPU-…::3"). InvalidArgument naming every ID that
  // is not one of this resource's devices, or when the request breaks a
  // sharing rule (failRequestsGreaterThanOne).
  virtual absl::StatusOr<v1beta1::ContainerAllocateResponse> Allocate(
      const std::vector<std::string>& device_ids) const = 0;

  // The `size` devices the plugin would rather have out of `available`,
  // containing all of `must_include`. InvalidArgument for unknown IDs or an
  // impossible size.
  virtual absl::StatusOr<std::vector<std::string>> PreferredAllocation(
      const std::vector<std::string>& available,
      const std::vector<std::string>& must_include, int size) const = 0;
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_RESOURCE_BACKEND_H_

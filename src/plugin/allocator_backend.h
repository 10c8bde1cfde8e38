// AllocatorBackend: the ResourceBackend of a real resource — an
// allocation::Allocator for Allocate and a PreferredAllocator for
// GetPreferredAllocation, both built from one ResourceSet — plus the
// conversion of their plain results to the v1beta1 messages.
//
// With a CdiSpecWriter (a cdi-* device list strategy), every CDI name of
// class "gpu" in a response must be a device of the spec on disk at that
// moment: a device the generator left out (its node is missing) or one of
// a layout the spec no longer describes is refused with Unavailable
// instead of failing the container at creation.
//
// Immutable; thread-safe; no NVML at call time.
#ifndef GPULET_PLUGIN_ALLOCATOR_BACKEND_H_
#define GPULET_PLUGIN_ALLOCATOR_BACKEND_H_

#include <memory>
#include <string>
#include <vector>

#include "allocation/allocator.h"
#include "allocation/container_allocation.h"
#include "allocation/preferred_allocator.h"
#include "plugin/cdi_spec_writer.h"
#include "plugin/resource_backend.h"
#include "plugin/resource_source.h"

namespace gpulet::plugin {

// Field for field: envs, mounts, devices, annotations, cdi_devices.
v1beta1::ContainerAllocateResponse ToProto(const allocation::ContainerAllocation& in);

class AllocatorBackend final : public ResourceBackend {
 public:
  // `cdi` null: no spec check (no CDI strategy).
  AllocatorBackend(allocation::Allocator allocator, allocation::PreferredAllocator preferred,
                   std::shared_ptr<const CdiSpecWriter> cdi = nullptr)
      : allocator_(std::move(allocator)), preferred_(std::move(preferred)), cdi_(std::move(cdi)) {}

  // ResourceBackend
  absl::StatusOr<v1beta1::ContainerAllocateResponse> Allocate(
      const std::vector<std::string>& device_ids) const override;
  absl::StatusOr<std::vector<std::string>> PreferredAllocation(
      const std::vector<std::string>& available, const std::vector<std::string>& must_include,
      int size) const override;

 private:
  const allocation::Allocator allocator_;
  const allocation::PreferredAllocator preferred_;
  const std::shared_ptr<const CdiSpecWriter> cdi_;
};

// Unavailable naming the first CDI name of class "gpu" in `allocation` that
// is not in `spec` (written at `path`); OK when all are.
absl::Status CheckCdiNames(const allocation::ContainerAllocation& allocation,
                           const CdiDeviceNames& spec, const std::string& path);

// The spec of `set`: its devices in order, health keys = their GPU or MIG
// UUIDs, served by `backend`.
ResourceSpec SpecFromResourceSet(const resources::ResourceSet& set,
                                 std::shared_ptr<const ResourceBackend> backend);

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_ALLOCATOR_BACKEND_H_

// PreferredAllocator: answers GetPreferredAllocation for one resource.
//
//   whole GPUs   BestGpuSet() over the node Topology: NVLink first, then
//                PCIe closeness, honouring must_include, the best set rather
//                than a greedy one
//   replicas and MIG devices
//                NVIDIA's policy: `distributed` (default) takes devices of
//                the least used underlying device first and spreads a
//                request across distinct devices; `packed` takes the most
//                used first. Ties go to the lower device ID order.
//
// Immutable after construction; Preferred() is thread-safe and calls no
// NVML.
#ifndef GPULET_ALLOCATION_PREFERRED_ALLOCATOR_H_
#define GPULET_ALLOCATION_PREFERRED_ALLOCATOR_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "allocation/topology.h"
#include "resources/resource_set.h"

namespace gpulet::allocation {

enum class SharedAllocationPolicy { kDistributed, kPacked };
// "distributed" or "packed"; InvalidArgument naming
// --shared-devices-allocation-policy otherwise.
absl::StatusOr<SharedAllocationPolicy> ParseSharedAllocationPolicy(
    std::string_view text);

class PreferredAllocator {
 public:
  PreferredAllocator(std::shared_ptr<const resources::ResourceSet> set,
                     Topology topology, SharedAllocationPolicy policy);

  // `size` device IDs drawn from `available`, including all of
  // `must_include`. kInvalidArgument naming the ID for one that is not of
  // this resource or a must_include ID not available; kInvalidArgument when
  // size < |must_include| or size > |available|.
  absl::StatusOr<std::vector<std::string>> Preferred(
      const std::vector<std::string>& available,
      const std::vector<std::string>& must_include, int size) const;

 private:
  absl::StatusOr<std::vector<std::string>> PreferredGpus(
      const std::vector<const resources::Device*>& available,
      const std::vector<const resources::Device*>& required, int size) const;
  std::vector<std::string> PreferredShared(
      const std::vector<const resources::Device*>& available,
      const std::vector<const resources::Device*>& required, int size) const;

  std::shared_ptr<const resources::ResourceSet> set_;
  Topology topology_;
  SharedAllocationPolicy policy_;
  bool whole_gpus_;  // every device a whole, unreplicated GPU
};

}  // namespace gpulet::allocation

#endif  // GPULET_ALLOCATION_PREFERRED_ALLOCATOR_H_

// ResourceAmounts: the resources a pod, a gang or a queue holds, in the
// units gpulet schedules by (GPU thousandths, CPU thousandths, MiB).
// ResourceLimits: a queue's capability or guarantee, where an unset
// resource is not limited. Both read Kubernetes resource lists
// ({"nvidia.com/gpu": 4, "cpu": "8", "memory": "64Gi"}).
//
// Small value types and stateless functions; thread-compatible.
#ifndef GPULET_GANG_RESOURCE_AMOUNTS_H_
#define GPULET_GANG_RESOURCE_AMOUNTS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace gpulet::gang {

struct ResourceAmounts {
  int64_t gpu_milli = 0;
  int64_t cpu_milli = 0;
  int64_t memory_mib = 0;

  ResourceAmounts& operator+=(const ResourceAmounts& other);
  ResourceAmounts& operator-=(const ResourceAmounts& other);
  friend bool operator==(const ResourceAmounts&, const ResourceAmounts&) = default;
};

struct ResourceLimits {
  std::optional<int64_t> gpu_milli;
  std::optional<int64_t> cpu_milli;
  std::optional<int64_t> memory_mib;

  bool empty() const { return !gpu_milli && !cpu_milli && !memory_mib; }
  friend bool operator==(const ResourceLimits&, const ResourceLimits&) = default;
};

// Reads a resource list. nvidia.com/gpu counts whole GPUs (x1000),
// gpulet.io/gpu-milli adds thousandths; cpu and memory are quantities.
// Other resources are ignored. A null or absent list reads as no limits.
// InvalidArgument for a list that is not an object or a malformed or
// negative quantity, naming the resource.
absl::StatusOr<ResourceLimits> ParseResourceList(const nlohmann::json& list);

// "" when `used` + `add` stays within `limits`; otherwise the first resource
// over, e.g. "nvidia.com/gpu 5 > 4".
std::string Exceeds(const ResourceLimits& limits, const ResourceAmounts& used,
                    const ResourceAmounts& add);

// `amounts` as a Kubernetes resource list, with only the non-zero
// resources: {"cpu": "1500m", "memory": "2048Mi", "nvidia.com/gpu": "2"}.
// GPU thousandths that are not whole GPUs are written as gpulet.io/gpu-milli.
nlohmann::json ResourceListJson(const ResourceAmounts& amounts);

}  // namespace gpulet::gang

#endif  // GPULET_GANG_RESOURCE_AMOUNTS_H_

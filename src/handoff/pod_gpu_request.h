// ContainerGpuRequest: what one container of a pod asks in GPUs, read from
// the pod's resources — nvidia.com/gpu for the number of GPUs, and
// gpulet.io/gpu-milli and gpulet.io/gpu-memory for a share of each. The
// scheduler extender decides on it; the device plugin matches Allocate
// requests against it.
//
// Rules: limits are read first, then requests (extended resources must have
// equal requests and limits, and either alone is allowed); a share without
// nvidia.com/gpu means one GPU; init containers are not read, since gpulet
// shares GPUs only with long-running containers.
//
// Plain values and pure functions; thread-safe.
#ifndef GPULET_HANDOFF_POD_GPU_REQUEST_H_
#define GPULET_HANDOFF_POD_GPU_REQUEST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "handoff/pod_decision.h"
#include "nlohmann/json.hpp"

namespace gpulet::handoff {

struct ContainerGpuRequest {
  std::string name;
  int gpus = 0;               // GPUs asked for
  int milli = kMilliPerGpu;   // share of each GPU, 1..1000
  int64_t memory_mib = 0;     // GPU memory on each GPU; 0: none asked

  // True when the container asks for part of a GPU rather than whole ones.
  bool shared() const { return milli < kMilliPerGpu || memory_mib > 0; }
  friend bool operator==(const ContainerGpuRequest&, const ContainerGpuRequest&) = default;
};

// The GPU requests of the containers of `pod` (a v1.Pod object) that ask
// for GPUs, in spec order; empty when none does. InvalidArgument naming the
// container and resource for a missing spec.containers, a quantity that is
// not a whole non-negative number, a gpu-milli outside 1..1000, or more
// GPUs than 1024.
absl::StatusOr<std::vector<ContainerGpuRequest>> ParsePodGpuRequests(const nlohmann::json& pod);

}  // namespace gpulet::handoff

#endif  // GPULET_HANDOFF_POD_GPU_REQUEST_H_

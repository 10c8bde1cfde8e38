// PodDecision: where the scheduler extender placed a pod — the node and, per
// container that asked for GPUs, the GPUs and the share of each — as the
// gpulet.io/decision pod annotation the device plugin serves Allocate from.
// JSON with sorted keys:
//
//   {"containers":[{"gpus":[{"index":0,"memoryMiB":0,"milli":500,
//                            "uuid":"GPU-..."}],"name":"main"}],
//    "node":"gpu-node-1","time":1700000000}
//
// Plain values and pure functions; thread-safe.
#ifndef GPULET_HANDOFF_POD_DECISION_H_
#define GPULET_HANDOFF_POD_DECISION_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace gpulet::handoff {

inline constexpr int kMilliPerGpu = 1000;

struct GpuGrant {
  std::string uuid;
  int index = 0;
  int milli = kMilliPerGpu;  // 1..1000; 1000 is the whole GPU
  int64_t memory_mib = 0;    // 0: no memory limit

  bool whole() const { return milli == kMilliPerGpu && memory_mib == 0; }
  friend bool operator==(const GpuGrant&, const GpuGrant&) = default;
};

struct ContainerGrant {
  std::string name;
  std::vector<GpuGrant> gpus;

  friend bool operator==(const ContainerGrant&, const ContainerGrant&) = default;
};

struct PodDecision {
  std::string node;
  int64_t time_unix = 0;
  // Only the containers that asked for GPUs, in the pod spec's order.
  std::vector<ContainerGrant> containers;

  friend bool operator==(const PodDecision&, const PodDecision&) = default;
};

std::string EncodePodDecision(const PodDecision& decision);

// InvalidArgument naming the field for invalid JSON, a missing or mistyped
// field, an empty node or container name, a container without GPUs, a share
// outside 1..1000 or a GPU granted twice to one container.
absl::StatusOr<PodDecision> DecodePodDecision(std::string_view annotation);

}  // namespace gpulet::handoff

#endif  // GPULET_HANDOFF_POD_DECISION_H_

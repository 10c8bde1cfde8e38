// NodeState: the free resources of one node — CPU, memory and the free
// milli-GPU of each of its GPUs — plus a version that changes on every
// placement or release. A plain value: whoever holds it owns it. The ledger
// publishes NodeStates as immutable shared_ptr<const NodeState>; the
// single-threaded simulator mutates its own copies.
//
// Invariants kept by Apply/Release: 0 <= gpu_free[g] <= 1000, cpu_free and
// memory_free never negative nor above capacity.
#ifndef GPULET_SCHED_NODE_STATE_H_
#define GPULET_SCHED_NODE_STATE_H_

#include <array>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sched/pod_request.h"

namespace gpulet::sched {

// Bit g set = GPU index g of the node.
using GpuMask = uint8_t;
static_assert(kMaxGpusPerNode <= 8, "GpuMask holds 8 GPUs");

struct NodeState {
  int64_t cpu_capacity = 0;
  int64_t memory_capacity = 0;
  int64_t cpu_free = 0;
  int64_t memory_free = 0;
  int gpu_count = 0;
  int model = -1;  // index into the cluster's GpuModelTable, -1 = no GPU
  std::array<int32_t, kMaxGpusPerNode> gpu_free{};  // milli-GPU per GPU
  std::array<int32_t, kMaxGpusPerNode> gpu_pods{};  // pods on each GPU
  std::array<int32_t, kGpuClasses> class_pods{};    // GPU pods per class
  uint64_t version = 0;

  // An idle node. InvalidArgument for negative capacities or a GPU count
  // outside 0..kMaxGpusPerNode.
  static absl::StatusOr<NodeState> Idle(int64_t cpu_milli, int64_t memory_mib,
                                        int gpu_count, int model);

  int64_t gpu_free_total() const;
  int64_t gpu_used_total() const {
    return int64_t{gpu_count} * kMilliPerGpu - gpu_free_total();
  }
  int fully_free_gpus() const;
  // GPUs with at least `milli` free.
  int gpus_with_at_least(int milli) const;
  // Number of distinct GPU classes hosted (GpuClustering's affinity set).
  int hosted_classes() const;
};

// True when `pod` passes every filter on `node`: CPU, memory, GPU model and
// enough GPUs each with at least gpu_milli free.
bool Fits(const NodeState& node, const PodRequest& pod);

// True when `gpus` is a valid choice for `pod` on `node`: exactly gpu_count
// GPUs, each existing and with gpu_milli free.
bool ValidGpuChoice(const NodeState& node, const PodRequest& pod,
                    GpuMask gpus);

// Takes `pod`'s resources from `node` on `gpus` and bumps the version.
// FailedPrecondition (node unchanged) when the pod does not fit there.
absl::Status Apply(NodeState& node, const PodRequest& pod, GpuMask gpus);

// Gives back what Apply took. FailedPrecondition (node unchanged) when that
// would exceed a capacity, i.e. the pod was not placed there.
absl::Status Release(NodeState& node, const PodRequest& pod, GpuMask gpus);

}  // namespace gpulet::sched

#endif  // GPULET_SCHED_NODE_STATE_H_

#include "sched/gpu_choice.h"

namespace gpulet::sched {
namespace {

GpuMask LowestFittingGpus(const NodeState& node, const PodRequest& pod) {
  GpuMask mask = 0;
  int needed = pod.gpu_count;
  for (int g = 0; g < node.gpu_count && needed > 0; ++g) {
    if (node.gpu_free[g] >= pod.gpu_milli) {
      mask |= GpuMask(1u << g);
      --needed;
    }
  }
  return needed == 0 ? mask : 0;
}

// The sharing GPU for which `better(free_a, free_b)` holds against every other
// fitting GPU; lowest index on ties.
template <typename Better>
GpuMask PickSharingGpu(const NodeState& node, const PodRequest& pod,
                       Better better) {
  int chosen = -1;
  for (int g = 0; g < node.gpu_count; ++g) {
    if (node.gpu_free[g] < pod.gpu_milli) continue;
    if (chosen < 0 || better(node.gpu_free[g], node.gpu_free[chosen])) {
      chosen = g;
    }
  }
  return chosen < 0 ? 0 : GpuMask(1u << chosen);
}

}  // namespace

GpuMask BestFitGpus(const NodeState& node, const PodRequest& pod) {
  if (!pod.is_sharing()) return LowestFittingGpus(node, pod);
  return PickSharingGpu(node, pod, [](int32_t a, int32_t b) { return a < b; });
}

GpuMask WorstFitGpus(const NodeState& node, const PodRequest& pod) {
  if (!pod.is_sharing()) return LowestFittingGpus(node, pod);
  return PickSharingGpu(node, pod, [](int32_t a, int32_t b) { return a > b; });
}

GpuMask RandomFitGpus(const NodeState& node, const PodRequest& pod, Rng& rng) {
  if (!pod.is_sharing()) return LowestFittingGpus(node, pod);
  int chosen = -1;
  int seen = 0;
  for (int g = 0; g < node.gpu_count; ++g) {
    if (node.gpu_free[g] < pod.gpu_milli) continue;
    if (UniformIndex(rng, ++seen) == 0) chosen = g;
  }
  return chosen < 0 ? 0 : GpuMask(1u << chosen);
}

}  // namespace gpulet::sched

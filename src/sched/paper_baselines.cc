#include "sched/paper_baselines.h"

#include <algorithm>
#include <array>
#include <numeric>

namespace gpulet::sched {
namespace {

constexpr int64_t kMaxNodeScore = 100;

}  // namespace

// Tetris with merged GPU dimensions and max-spec normalisation: both vectors
// are (CPU, total GPU) over the largest node shape; the score falls as the
// dot product of free resources and request grows.
int64_t DotProductPolicy::Score(const NodeState& node, const PodRequest& pod) {
  double dot = (node.cpu_free / kMaxSpecCpuMilli) *
                   (pod.cpu_milli / kMaxSpecCpuMilli) +
               (node.gpu_free_total() / kMaxSpecGpuMilli) *
                   (pod.total_gpu_milli() / kMaxSpecGpuMilli);
  return static_cast<int64_t>(kMaxNodeScore * (1.0 - dot / 2));
}

// Bands, high to low: only already-shared GPUs are used (the fuller, the
// better); some fully free GPUs of a used node are needed (the fewer, the
// better); the node is idle.
int64_t GpuPackingPolicy::Score(const NodeState& node, const PodRequest& pod) {
  if (!pod.uses_gpu()) return 0;
  int fully_free = node.fully_free_gpus();
  if (fully_free == node.gpu_count) {
    return std::max<int64_t>(kMaxNodeScore / 3 - fully_free, fully_free);
  }
  std::array<int, kMaxGpusPerNode> order;
  std::iota(order.begin(), order.begin() + node.gpu_count, 0);
  std::stable_sort(order.begin(), order.begin() + node.gpu_count,
                   [&](int a, int b) { return node.gpu_free[a] < node.gpu_free[b]; });
  int needed = pod.gpu_count;
  int fully_free_used = 0;
  int64_t free_pct_on_used = 0;
  for (int i = 0; i < node.gpu_count && needed > 0; ++i) {
    int32_t free = node.gpu_free[order[i]];
    if (free < pod.gpu_milli) continue;
    --needed;
    fully_free_used += free == kMilliPerGpu;
    free_pct_on_used += free * 100 / kMilliPerGpu;
  }
  if (fully_free_used > 0) {
    return std::max<int64_t>(kMaxNodeScore / 2 - fully_free_used,
                             kMaxNodeScore / 3);
  }
  return std::max<int64_t>(kMaxNodeScore - free_pct_on_used / 10,
                           kMaxNodeScore / 2);
}

// Quarter bands: only this class hosted; this class among others; idle node;
// other classes only. Inside a band, fuller nodes (less free GPU) first.
int64_t GpuClusteringPolicy::Score(const NodeState& node,
                                   const PodRequest& pod) {
  if (!pod.uses_gpu()) return 0;
  const int64_t quarter = kMaxNodeScore / 4;
  const int64_t spec = static_cast<int64_t>(kMaxSpecGpuMilli);
  int64_t fill = quarter * (spec - node.gpu_free_total()) / spec;
  int classes = node.hosted_classes();
  if (node.class_pods[pod.gpu_class()] > 0) {
    return fill + (classes == 1 ? 3 * quarter : 2 * quarter);
  }
  return fill + (classes == 0 ? quarter : 0);
}

int64_t BestFitPolicy::BestFitScore(const NodeState& node,
                                    const PodRequest& pod) {
  double left = 0.5 * (node.cpu_free - pod.cpu_milli) / kMaxSpecCpuMilli +
                0.5 * (node.gpu_free_total() - pod.total_gpu_milli()) /
                    kMaxSpecGpuMilli;
  return static_cast<int64_t>((1.0 - left) * kMaxNodeScore);
}

}  // namespace gpulet::sched

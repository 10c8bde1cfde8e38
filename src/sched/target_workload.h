// TargetWorkload: FGD's "typical pods" M — the most popular pod shapes
// (CPU, per-GPU milli, GPU count, allowed models; memory is not part of the
// shape, each shape carries its pods' mean memory instead) with their
// probabilities. An immutable value once built.
//
// TargetWorkloadLearner builds one online from the pods seen so far (the
// non-oracle variant); it is not thread-safe.
#ifndef GPULET_SCHED_TARGET_WORKLOAD_H_
#define GPULET_SCHED_TARGET_WORKLOAD_H_

#include <cstdint>
#include <span>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "sched/pod_request.h"

namespace gpulet::sched {

struct WorkloadShape {
  int64_t cpu_milli = 0;
  int gpu_milli = 0;
  int gpu_count = 0;
  ModelMask models = 0;
  double probability = 0;
  // Mean memory request of the pods of this shape; only the resource-aware
  // fragment measure (fragmentation.h) looks at it.
  int64_t memory_mib = 0;

  auto key() const { return std::tuple(cpu_milli, gpu_milli, gpu_count, models); }
};

class TargetWorkload {
 public:
  // The paper's default: keep shapes until they cover 95 % of the pods.
  static constexpr double kDefaultCoverage = 0.95;

  // From shape counts: sorted by count (descending; ties in descending shape
  // order, as the artifact's sort.Reverse does), the most popular kept until
  // their cumulative count reaches `coverage` of all pods, probabilities
  // renormalised to sum to 1. CPU-only pods count as shapes too.
  static TargetWorkload FromCounts(std::vector<WorkloadShape> counted,
                                   double coverage = kDefaultCoverage);
  // Counts `pods` by shape, then FromCounts.
  static TargetWorkload FromPods(std::span<const PodRequest> pods,
                                 double coverage = kDefaultCoverage);
  // A workload with the given shapes and probabilities, used as is.
  static TargetWorkload FromShapes(std::vector<WorkloadShape> shapes) {
    TargetWorkload m;
    m.shapes_ = std::move(shapes);
    return m;
  }

  // The same shapes with probabilities proportional to probability x GPU
  // request (gpu_count x gpu_milli), renormalised: M weighted by the GPU
  // each next pod would take rather than by pod count. Shapes without GPU
  // drop out; a workload with no GPU shape is returned unchanged.
  TargetWorkload WeightedByGpuDemand() const;

  const std::vector<WorkloadShape>& shapes() const { return shapes_; }

 private:
  std::vector<WorkloadShape> shapes_;
};

class TargetWorkloadLearner {
 public:
  void Observe(const PodRequest& pod);
  int64_t observed() const { return observed_; }
  TargetWorkload Current(
      double coverage = TargetWorkload::kDefaultCoverage) const;

 private:
  using Key = std::tuple<int64_t, int, int, ModelMask>;
  struct Count {
    int64_t pods = 0;
    int64_t memory_mib = 0;  // sum over those pods
  };
  absl::flat_hash_map<Key, Count> counts_;
  int64_t observed_ = 0;
};

}  // namespace gpulet::sched

#endif  // GPULET_SCHED_TARGET_WORKLOAD_H_

#include "sched/target_workload.h"

#include <algorithm>

namespace gpulet::sched {

TargetWorkload TargetWorkload::FromCounts(std::vector<WorkloadShape> counted,
                                          double coverage) {
  std::sort(counted.begin(), counted.end(),
            [](const WorkloadShape& a, const WorkloadShape& b) {
              if (a.probability != b.probability) {
                return a.probability > b.probability;
              }
              return a.key() > b.key();
            });
  double total = 0;
  for (const WorkloadShape& s : counted) total += s.probability;
  TargetWorkload m;
  double kept = 0;
  for (const WorkloadShape& s : counted) {
    if (kept >= coverage * total) break;
    kept += s.probability;
    m.shapes_.push_back(s);
  }
  for (WorkloadShape& s : m.shapes_) s.probability /= kept;
  return m;
}

TargetWorkload TargetWorkload::FromPods(std::span<const PodRequest> pods,
                                        double coverage) {
  TargetWorkloadLearner learner;
  for (const PodRequest& pod : pods) learner.Observe(pod);
  return learner.Current(coverage);
}

TargetWorkload TargetWorkload::WeightedByGpuDemand() const {
  TargetWorkload weighted;
  double total = 0;
  for (const WorkloadShape& shape : shapes_) {
    if (shape.gpu_count == 0) continue;
    WorkloadShape copy = shape;
    copy.probability *= static_cast<double>(shape.gpu_count) * shape.gpu_milli;
    total += copy.probability;
    weighted.shapes_.push_back(copy);
  }
  if (total <= 0) return *this;
  for (WorkloadShape& shape : weighted.shapes_) shape.probability /= total;
  return weighted;
}

void TargetWorkloadLearner::Observe(const PodRequest& pod) {
  Count& count =
      counts_[Key(pod.cpu_milli, pod.gpu_milli, pod.gpu_count, pod.models)];
  ++count.pods;
  count.memory_mib += pod.memory_mib;
  ++observed_;
}

TargetWorkload TargetWorkloadLearner::Current(double coverage) const {
  std::vector<WorkloadShape> counted;
  counted.reserve(counts_.size());
  for (const auto& [key, count] : counts_) {
    const auto& [cpu, milli, gpus, models] = key;
    counted.push_back({cpu, milli, gpus, models,
                       static_cast<double>(count.pods),
                       count.memory_mib / count.pods});
  }
  return TargetWorkload::FromCounts(std::move(counted), coverage);
}

}  // namespace gpulet::sched

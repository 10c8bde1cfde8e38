// Scoring in the style of the GPU schedulers deployed today, as anchors for
// the simulator (docs/scheduler.md, "anchors"):
//
//   HamiPolicy(kBinpack / kSpread)  HAMi's default node score
//       10 * (used slots / slots + used cores / cores + used memory / memory)
//       after placement, highest first for binpack and lowest for spread;
//       GPUs by HAMi's GPU policy of the same name (fullest / emptiest that
//       fits). A GPU has 10 slots; cores and memory follow the milli-GPU.
//       CPU-only pods are not HAMi's: kube-scheduler's LeastAllocated decides.
//   VolcanoBinpackPolicy  Volcano's binpack plugin (mean of (used + request)
//       / allocatable over the resources the pod requests) plus the vGPU
//       device's binpack card score (100 * used / capacity after placement),
//       fullest fitting GPU first.
//
// ScoringPolicy subclasses: not thread-safe, one per thread.
#ifndef GPULET_SCHED_DEPLOYED_ANCHORS_H_
#define GPULET_SCHED_DEPLOYED_ANCHORS_H_

#include "sched/scoring_policy.h"

namespace gpulet::sched {

class HamiPolicy final : public ScoringPolicy {
 public:
  enum class Mode { kBinpack, kSpread };
  static constexpr int kSlotsPerGpu = 10;

  HamiPolicy(Mode mode, uint64_t seed) : ScoringPolicy(seed), mode_(mode) {}

 protected:
  int64_t Score(const NodeState& node, const PodRequest& pod) override;
  GpuMask ChooseGpus(const NodeState& node, const PodRequest& pod) override;

 private:
  Mode mode_;
};

class VolcanoBinpackPolicy final : public ScoringPolicy {
 public:
  using ScoringPolicy::ScoringPolicy;

 protected:
  int64_t Score(const NodeState& node, const PodRequest& pod) override;
};

}  // namespace gpulet::sched

#endif  // GPULET_SCHED_DEPLOYED_ANCHORS_H_

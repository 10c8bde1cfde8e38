// The five baseline policies of the FGD paper (Weng et al., ATC'23, §4.5 of
// docs/scheduler.md), with the integer scores of the paper's artifact so that
// ties — broken at random — happen exactly where they happen there.
//
//   RandomPolicy         uniform feasible node, random fitting GPU
//   DotProductPolicy     Tetris: smallest <free, request> over (CPU, GPU)
//   GpuPackingPolicy     shared GPUs first, then used nodes, idle nodes last
//   GpuClusteringPolicy  nodes hosting only this pod's GPU class first
//   BestFitPolicy        least CPU + GPU left after placement
//
// All are ScoringPolicy subclasses: not thread-safe, one per thread.
#ifndef GPULET_SCHED_PAPER_BASELINES_H_
#define GPULET_SCHED_PAPER_BASELINES_H_

#include "sched/scoring_policy.h"

namespace gpulet::sched {

// The artifact's normalisation constants: the largest node shape.
inline constexpr double kMaxSpecCpuMilli = 128000;
inline constexpr double kMaxSpecGpuMilli = 8000;

class RandomPolicy final : public ScoringPolicy {
 public:
  explicit RandomPolicy(uint64_t seed) : ScoringPolicy(seed, Ties::kRandom) {}

 protected:
  int64_t Score(const NodeState&, const PodRequest&) override { return 0; }
  GpuMask ChooseGpus(const NodeState& node, const PodRequest& pod) override {
    return RandomFitGpus(node, pod, rng());
  }
};

class DotProductPolicy final : public ScoringPolicy {
 public:
  using ScoringPolicy::ScoringPolicy;

 protected:
  int64_t Score(const NodeState& node, const PodRequest& pod) override;
};

class GpuPackingPolicy final : public ScoringPolicy {
 public:
  using ScoringPolicy::ScoringPolicy;

 protected:
  int64_t Score(const NodeState& node, const PodRequest& pod) override;
};

class GpuClusteringPolicy final : public ScoringPolicy {
 public:
  using ScoringPolicy::ScoringPolicy;

 protected:
  int64_t Score(const NodeState& node, const PodRequest& pod) override;
};

class BestFitPolicy final : public ScoringPolicy {
 public:
  using ScoringPolicy::ScoringPolicy;

  // 0..100, higher = less CPU and GPU left after placing `pod` on `node`.
  static int64_t BestFitScore(const NodeState& node, const PodRequest& pod);

 protected:
  int64_t Score(const NodeState& node, const PodRequest& pod) override {
    return BestFitScore(node, pod);
  }
};

}  // namespace gpulet::sched

#endif  // GPULET_SCHED_PAPER_BASELINES_H_

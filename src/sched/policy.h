// Policy: decides where one pod goes, down to the GPU indices, from a view of
// the cluster's node states. Implementations: the FGD paper's baselines
// (paper_baselines.h), FGD itself (fgd_policy.h) and the deployed anchors
// (deployed_anchors.h); make one by name with MakePolicy (policy_factory.h).
//
// Not thread-safe: a policy keeps a seeded random generator and caches, so
// each deciding thread owns its own instance. A policy reads nothing but its
// arguments and its own members (no globals), and is bound to one cluster:
// its caches are keyed by node index and NodeState::version.
#ifndef GPULET_SCHED_POLICY_H_
#define GPULET_SCHED_POLICY_H_

#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include "absl/strings/string_view.h"

#include "sched/node_state.h"
#include "sched/pod_request.h"

namespace gpulet::sched {

// nodes[i] is node i of the cluster; the pointers must stay valid for the
// duration of one Decide call.
using ClusterView = std::span<const NodeState* const>;

// Deterministic for a given seed, so a simulation replays exactly.
using Rng = std::mt19937_64;

struct Placement {
  int node = -1;
  GpuMask gpus = 0;
  friend bool operator==(const Placement&, const Placement&) = default;
};

class Policy {
 public:
  virtual ~Policy() = default;

  // The node and GPUs for `pod`, or nullopt when no node passes the filters
  // (CPU, memory, GPU model, GPU fit). A returned placement always satisfies
  // Fits and ValidGpuChoice on the given view.
  virtual std::optional<Placement> Decide(ClusterView nodes,
                                          const PodRequest& pod) = 0;
};

// Uniform integer in [0, n); n > 0.
inline int64_t UniformIndex(Rng& rng, int64_t n) {
  return std::uniform_int_distribution<int64_t>(0, n - 1)(rng);
}

// Keeps the best score offered; among equal best scores keeps one uniformly
// at random (reservoir sampling), as kube-scheduler's selectHost does.
class RandomTieArgMax {
 public:
  explicit RandomTieArgMax(Rng& rng) : rng_(rng) {}

  void Offer(int64_t score, int index) {
    if (best_ < 0 || score > score_) {
      best_ = index;
      score_ = score;
      ties_ = 1;
    } else if (score == score_ && UniformIndex(rng_, ++ties_) == 0) {
      best_ = index;
    }
  }
  int best() const { return best_; }  // -1 when nothing was offered

 private:
  Rng& rng_;
  int best_ = -1;
  int64_t score_ = 0;
  int64_t ties_ = 0;
};

}  // namespace gpulet::sched

#endif  // GPULET_SCHED_POLICY_H_

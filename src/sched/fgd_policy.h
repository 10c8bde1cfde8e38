// FgdPolicy: Fragmentation Gradient Descent (Weng et al., ATC'23). Places each
// pod where it raises the expected fragmentation F_n(M) of the target
// workload M the least, choosing the GPU inside the node by the same rule.
//
// Variants (FgdOptions):
//   * artifact scoring (default): the paper artifact's integer score
//     int(100 * sigmoid(-delta / 1000)), ties to the first node in order
//     (as for every ScoringPolicy, see scoring_policy.h);
//   * exact: the unquantised delta, ties broken by BestFit then node order;
//   * online: M learned from the pods seen so far instead of the oracle M
//     computed from the whole trace;
//   * resource-aware: F_n(M) also counts the GPU that the node's remaining
//     CPU or memory leaves unusable (FragmentMeasure::kResourceAware);
//   * look-ahead: among the first `lookahead` nodes (in node order) with the
//     best score, the one whose placement removes the smallest expected
//     share of the homes of the next pod drawn from M (shape_homes.h)
//     instead of simply the first.
//
// Cost: one pass over the nodes per decision. The outcome for a (node, pod
// shape) pair is cached until that node's version changes, so only the node
// changed by the previous placement is re-evaluated. Behind that cache the
// outcome is shared by node state (free CPU, model and free milli-GPU per GPU
// index: all an outcome depends on), so the first decision for a new pod
// shape evaluates each distinct state once, not each node; a cluster of many
// nodes in few states (idle nodes of one kind) costs a lookup per node.
// F_n(M) is memoised by the sorted state, which even more nodes share, with
// free CPU reduced to the number of M's CPU requests it meets (all F_n(M)
// looks at), so a pod with a CPU request never seen before still reuses it.
//
// Not thread-safe (caches); one instance per thread, bound
// to one cluster (caches are keyed by node index).
#ifndef GPULET_SCHED_FGD_POLICY_H_
#define GPULET_SCHED_FGD_POLICY_H_

#include <array>
#include <cstdint>
#include <optional>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "sched/fragmentation.h"
#include "sched/policy.h"
#include "sched/shape_homes.h"
#include "sched/target_workload.h"

namespace gpulet::sched {

struct FgdOptions {
  bool exact = false;
  bool online = false;
  FragmentMeasure measure = FragmentMeasure::kPaper;
  int lookahead = 0;  // candidates compared by look-ahead; 0 = off
};

class FgdPolicy final : public Policy {
 public:
  // `target` is the oracle M; ignored (may be empty) when options.online.
  // FGD makes no random choice; `seed` keeps the factory's signature uniform.
  FgdPolicy(TargetWorkload target, FgdOptions options, uint64_t seed);

  // Policy
  std::optional<Placement> Decide(ClusterView nodes,
                                  const PodRequest& pod) override;

  // The artifact's score for a fragmentation decrease of `delta` milli-GPU.
  static int64_t QuantisedScore(double decrease);

  const TargetWorkload& target() const { return target_; }

 private:
  // The best way to place one pod shape on one node state.
  struct Outcome {
    uint64_t version_plus_one = 0;  // 0 = empty slot
    double decrease = 0;            // F_n before - F_n after
    int64_t score = 0;              // QuantisedScore(decrease)
    GpuMask gpus = 0;
  };
  struct NodeCache {
    uint64_t base_version_plus_one = 0;
    double base = 0;
    uint64_t state_version_plus_one = 0;
    uint64_t state_generation = 0;  // state_id is valid in this generation
    int state_id = 0;
  };
  // CPU, memory (0 unless resource-aware), per-GPU milli, count, models.
  using ShapeKey = std::tuple<int64_t, int64_t, int, int, ModelMask>;
  // Free CPU, free memory (0 unless resource-aware), model and free
  // milli-GPU per GPU, unused GPU slots -1. Sorted, it is all F_n(M) depends
  // on; in GPU order, all an Outcome depends on.
  using StateKey = std::tuple<int64_t, int64_t, int,
                              std::array<int32_t, kMaxGpusPerNode>>;

  // Also drops every cached outcome when the number of shapes reaches its
  // bound, so that memory stays bounded however many shapes arrive.
  int ShapeId(const PodRequest& pod);
  void LearnOnline(const PodRequest& pod);
  const Outcome& Evaluate(int index, const NodeState& node,
                          const PodRequest& pod, int shape);
  double Base(int index, const NodeState& node);
  // The id of the node's state (StateKey in GPU order), cached per version.
  int StateId(int index, const NodeState& node);
  // Drops every shared outcome and state id (memory bound, or M changed).
  void ForgetStates();
  void SetTarget(TargetWorkload target);
  // NodeFragmentation, memoised across nodes with the same state.
  double Fragmentation(int64_t cpu_free, int64_t memory_free,
                       const std::array<int32_t, kMaxGpusPerNode>& gpu_free,
                       int gpu_count, int model);
  bool resource_aware() const {
    return options_.measure == FragmentMeasure::kResourceAware;
  }
  Outcome EvaluateSharing(const NodeState& node, const PodRequest& pod,
                          double base);
  Outcome EvaluateWhole(const NodeState& node, const PodRequest& pod,
                        double base);
  std::optional<Placement> PickExact(ClusterView nodes, const PodRequest& pod,
                                     int shape);
  std::optional<Placement> PickLookahead(ClusterView nodes,
                                         const PodRequest& pod, int shape);

  TargetWorkload target_;
  std::vector<int64_t> cpu_thresholds_;  // M's distinct CPU requests, sorted
  FgdOptions options_;
  TargetWorkloadLearner learner_;
  absl::flat_hash_map<ShapeKey, int> shape_ids_;
  std::vector<NodeCache> caches_;  // by node index
  // By shape id, then node index: one row per shape, allocated when the
  // shape is first seen, so a new shape never moves the others' outcomes.
  std::vector<std::vector<Outcome>> outcomes_;
  absl::flat_hash_map<StateKey, double> memo_;
  // Outcomes shared by every node in one state, keyed by state id << 32 |
  // shape id; state ids are valid while generation_ is unchanged.
  absl::flat_hash_map<StateKey, int> state_ids_;
  absl::flat_hash_map<uint64_t, Outcome> shared_;
  uint64_t generation_ = 1;
  ShapeHomes homes_;            // look-ahead only
  std::vector<int> candidates_;  // look-ahead scratch
};

}  // namespace gpulet::sched

#endif  // GPULET_SCHED_FGD_POLICY_H_

// ShapeHomes: for each shape of a target workload M, on how many nodes a pod
// of that shape would fit now (its "homes"), kept up to date incrementally
// from node versions, and the look-ahead cost of changing one node: the
// expected share of the next pod's homes that the change removes,
//   sum over m in M of p_m * (fits_m(before) - fits_m(after)) / homes_m.
// A placement that takes the last homes of a likely shape costs most; one
// that takes a node no likely shape fits on any more costs nothing.
//
// Cost: Update looks at every node's version and re-checks only the nodes
// that changed since the last call (one per placement in a replay), |M|
// fit checks each; ExpectedLoss is |M| fit checks.
//
// Not thread-safe; one instance per policy, bound to one cluster (keyed by
// node index).
#ifndef GPULET_SCHED_SHAPE_HOMES_H_
#define GPULET_SCHED_SHAPE_HOMES_H_

#include <cstdint>
#include <vector>

#include "sched/node_state.h"
#include "sched/policy.h"
#include "sched/target_workload.h"

namespace gpulet::sched {

class ShapeHomes {
 public:
  // Re-counts from scratch when `target` differs from the last call's.
  void Update(ClusterView nodes, const TargetWorkload& target);

  // The cost of node `index` (as of the last Update) becoming `after`.
  double ExpectedLoss(int index, const NodeState& after) const;

  // Nodes on which shape `m` (index into the target's shapes) fits.
  int64_t homes(int m) const { return homes_[m]; }

 private:
  // Replaces node `index`'s fit bits by those of `node`.
  void Recount(int index, const NodeState& node);

  std::vector<WorkloadShape> shapes_;
  std::vector<PodRequest> requests_;  // shapes_ as pods
  std::vector<uint64_t> versions_plus_one_;  // by node; 0 = not counted
  std::vector<uint8_t> fits_;                // node-major, one per shape
  std::vector<int64_t> homes_;               // by shape
};

}  // namespace gpulet::sched

#endif  // GPULET_SCHED_SHAPE_HOMES_H_

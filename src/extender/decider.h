// Decider: places one pod on the ledger with a scheduling policy, limited
// to a set of candidate nodes, and commits the placement atomically — the
// ledger's compare-and-swap on the node version refuses a decision made on
// a node that changed meanwhile, and the decider decides again on a fresh
// snapshot. This is what closes HAMi's read-score-commit race.
//
// Candidates are restricted without disturbing the policy's per-index
// caches: the view keeps every index, with non-candidates pointing at a
// node that fits nothing and carries a version no real node reaches.
//
// A pod asking gpulet.io/gpu-memory needs a different milli on nodes with
// different GPU memory; candidates are grouped by GPU memory and tried in
// order of the least milli asked (largest GPUs first), the first group with
// a placement winning.
//
// Thread-safe: policies are not, so each Place borrows one from a pool
// (one per concurrent caller, created on demand).
#ifndef GPULET_EXTENDER_DECIDER_H_
#define GPULET_EXTENDER_DECIDER_H_

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "extender/cluster_model.h"
#include "extender/pod_demand.h"
#include "sched/policy.h"

namespace gpulet::extender {

struct Placed {
  int node = -1;
  sched::GpuMask gpus = 0;
  uint64_t ledger_id = 0;
  sched::PodRequest request;
};

class Decider {
 public:
  // `policy` is a policy_factory name, or one of the aliases: "fgd" (the
  // online FGD: a live cluster has no trace to take FGD's M from),
  // "binpack" (hami-binpack) and "spread" (hami-spread). InvalidArgument for
  // an unknown name.
  static absl::StatusOr<std::unique_ptr<Decider>> Create(
      const std::string& policy, uint64_t seed);

  // Places `demand` on one of `candidates` (ledger indices) and commits it.
  // ResourceExhausted when no candidate fits; Aborted after 16 conflicting
  // commits in a row.
  absl::StatusOr<Placed> Place(ClusterModel& model, const PodDemand& demand,
                               const std::vector<int>& candidates);

  // Places every one of `demands` (a gang's members) on `candidates` and
  // commits them together (Ledger::CommitAll): all or none. When one node
  // can take them all they stay together there (the policy picks which
  // such node); otherwise each is placed in turn on the state the ones
  // before left. ResourceExhausted saying how many fit; Aborted after 16
  // conflicting commits in a row. Defined in decider_gang.cc.
  absl::StatusOr<std::vector<Placed>> PlaceAll(
      ClusterModel& model, const std::vector<PodDemand>& demands,
      const std::vector<int>& candidates);

  // The policy name after aliases.
  const std::string& policy() const { return policy_; }

 private:
  Decider(std::string policy, uint64_t seed);
  std::unique_ptr<sched::Policy> Borrow();
  // One PlaceAll planning pass over `snapshot` for requests on the nodes
  // `members`; nullopt with `placed` set to how many fit when they do not.
  std::optional<std::vector<sched::Ledger::PlannedPod>> PlanAll(
      sched::Policy& policy, const sched::Snapshot& snapshot,
      const std::vector<sched::PodRequest>& requests,
      const std::vector<int>& members, int& placed);
  void Return(std::unique_ptr<sched::Policy> policy);

  const std::string policy_;
  const uint64_t seed_;
  sched::NodeState blocked_;
  std::mutex mu_;
  std::vector<std::unique_ptr<sched::Policy>> idle_ ABSL_GUARDED_BY(mu_);
  uint64_t created_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace gpulet::extender

#endif  // GPULET_EXTENDER_DECIDER_H_

// Ledger: the single owner of a live cluster's node states. Readers take an
// immutable Snapshot (one shared_ptr copy under a mutex) and decide on it
// without locks; placements and releases go through the ledger, whose Commit
// is a compare-and-swap on the chosen node's version — if the node changed
// since the snapshot the decision was made on, the commit is refused
// (Aborted) and the caller decides again on a fresh snapshot. So two
// concurrent decisions can never hand out the same GPU share, which is the
// read-score-commit race HAMi's extender has (docs/scheduler.md §2.5).
//
// Thread-safe. Snapshots stay valid (and unchanged) for as long as a reader
// holds them; publishing a change copies one chunk of node pointers
// (node_table.h), not node states.
#ifndef GPULET_SCHED_LEDGER_H_
#define GPULET_SCHED_LEDGER_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "sched/node_state.h"
#include "sched/node_table.h"
#include "sched/policy.h"

namespace gpulet::sched {

// The cluster at one generation. Immutable.
struct Snapshot {
  uint64_t generation = 0;
  NodeTable nodes;
  std::vector<const NodeState*> view;  // view[i] == nodes[i].get()

  ClusterView cluster() const { return view; }
};

class Ledger {
 public:
  explicit Ledger(std::vector<NodeState> nodes);

  std::shared_ptr<const Snapshot> snapshot() const ABSL_LOCKS_EXCLUDED(mu_);

  // Places `pod` as `placement` if node placement.node still has version
  // `seen_version`. Returns a reservation id for Release. Errors:
  // InvalidArgument for a node index out of range; Aborted when the node
  // changed since (decide again); FailedPrecondition when the pod does not
  // fit there. On error nothing changes.
  absl::StatusOr<uint64_t> Commit(const PodRequest& pod,
                                  const Placement& placement,
                                  uint64_t seen_version)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Commits every (pod, placement) of `placements` or none: a gang's
  // members are placed together or not at all. `seen_versions` maps each
  // node index used to the version the plan was made on. Returns the
  // reservation ids in order. Errors as Commit's; on error nothing changes.
  struct PlannedPod {
    PodRequest pod;
    Placement placement;
  };
  absl::StatusOr<std::vector<uint64_t>> CommitAll(
      const std::vector<PlannedPod>& placements,
      const absl::flat_hash_map<int, uint64_t>& seen_versions)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Records a placement that already exists in the cluster — a bound pod
  // the ledger learns of late, after a restart or a missed event — with no
  // version check. Unlike Commit it counts the node's unavailable GPUs at
  // their real capacity, because an unhealthy GPU keeps what it holds:
  // refusing here would leave that GPU's share free for the next pod once
  // the GPU recovers. FailedPrecondition when the pod does not fit beside
  // what the node holds already; InvalidArgument for a node out of range.
  absl::StatusOr<uint64_t> Hold(const PodRequest& pod,
                                const Placement& placement)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Gives back a committed placement. NotFound for an unknown (or already
  // released) id.
  absl::Status Release(uint64_t reservation) ABSL_LOCKS_EXCLUDED(mu_);

  // Live clusters change shape; the simulator never calls these.
  //
  // Appends `node` (its version is kept) and returns its index. Indices are
  // never reused, so a policy's per-index caches stay valid.
  int AddNode(const NodeState& node) ABSL_LOCKS_EXCLUDED(mu_);

  // Gives node `index` the capacity of the idle state `base` and applies
  // every reservation held there again, oldest first. A reservation that no
  // longer fits (the node shrank) stays held but takes nothing; releasing it
  // gives nothing back. GPUs set in `unavailable` (unhealthy) keep what they
  // hold but offer no free milli-GPU until a later ReplaceNode clears them.
  // The node's version only grows, so policy caches never see an old
  // version again. InvalidArgument for an index out of range.
  absl::Status ReplaceNode(int index, const NodeState& base,
                           GpuMask unavailable) ABSL_LOCKS_EXCLUDED(mu_);

  int size() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Held {
    PodRequest pod;
    Placement placement;
    bool applied = true;  // false: did not fit after a ReplaceNode
  };

  // The node `index` rebuilt from its base with every reservation held
  // there applied again, oldest first, unmasked; marks those that no longer
  // fit. The version is one past the published one.
  NodeState RebuildLocked(int index) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Zeroes the free milli-GPU of the node's unavailable GPUs.
  void MaskLocked(int index, NodeState& node) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Publishes `node` as node `index` in a new snapshot.
  void PublishLocked(int index, const NodeState& node)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // std::mutex rather than absl::Mutex: Debian's abseil is not built with
  // ThreadSanitizer, which then cannot see absl::Mutex's synchronisation.
  mutable std::mutex mu_;
  std::shared_ptr<const Snapshot> current_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<uint64_t, Held> held_ ABSL_GUARDED_BY(mu_);
  uint64_t next_reservation_ ABSL_GUARDED_BY(mu_) = 1;
  std::vector<GpuMask> unavailable_ ABSL_GUARDED_BY(mu_);  // by node index
  // Each node's idle capacity (the state given to AddNode or ReplaceNode),
  // by node index: what Hold rebuilds from.
  std::vector<NodeState> bases_ ABSL_GUARDED_BY(mu_);
};

// Decides with `policy` on the ledger's latest snapshot and commits, deciding
// again when a concurrent commit wins the node (up to `attempts` times).
// ResourceExhausted when no node fits; Aborted after `attempts` conflicts.
absl::StatusOr<uint64_t> PlaceWithRetry(Ledger& ledger, Policy& policy,
                                        const PodRequest& pod,
                                        int attempts = 16);

}  // namespace gpulet::sched

#endif  // GPULET_SCHED_LEDGER_H_

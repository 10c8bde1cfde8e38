// GangScheduler: one scheduling cycle of the gang simulation
// (gang_simulation.h) over the live cluster state, GangCluster. Three
// policies, made by name with MakeGangScheduler:
//
//   fgd-pods  per-pod FGD, no gang semantics, FIFO: every waiting member that
//             fits is placed, so a gang may hold part of its GPUs while it
//             waits for the rest (and two such gangs can deadlock).
//   gpulet    all-or-nothing gangs planned on a scratch copy with FGD;
//             queues by deserved share (Volcano proportion water-filling),
//             the queue furthest below its share served first, capability
//             caps; within a queue priority, then the GPU share of the
//             cluster the job holds (smallest first, DRF), then age. A job
//             that does not fit is skipped, never blocks the ones behind it.
//   volcano   Volcano's enqueue gate (overcommit headroom 1.2x and queue
//             capability), proportion (queues ordered by allocated/deserved,
//             overused queues skipped), job order priority then creation
//             time, gang via a statement committed only when every member
//             is placed, binpack node scoring (volcano-binpack).
//
// Two variants, for comparison:
//   gpulet-strict       gpulet, but a queue at or above its deserved share
//                       waits while a queue below its share has any job
//                       pending, whether it fits now or not.
//   volcano-no-enqueue  volcano configured without the enqueue action
//                       (actions "allocate, backfill"): no admission gate.
//
// Not thread-safe: a scheduler owns a seeded policy; one per simulation run.
#ifndef GPULET_SCHED_GANG_SCHEDULER_H_
#define GPULET_SCHED_GANG_SCHEDULER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sched/gang_workload.h"
#include "sched/node_state.h"
#include "sched/policy.h"
#include "sched/target_workload.h"

namespace gpulet::sched {

struct GangJobState {
  std::vector<Placement> members;  // placed members, in placement order
  int64_t start_s = -1;            // set once every member is placed
  bool inqueue = false;            // passed Volcano's enqueue gate
};

// The state a cycle reads and changes. Invariant: queue_held_gpus[q] is the
// sum of the GPUs of every placed member of queue q's jobs, and `pending`
// holds exactly the arrived jobs with start_s < 0, in arrival order.
struct GangCluster {
  const GangWorkload* workload = nullptr;  // must outlive the cluster
  std::vector<NodeState> nodes;
  std::vector<GangJobState> jobs;
  std::vector<int> pending;
  std::vector<int64_t> queue_held_gpus;
  int64_t total_gpus = 0;

  // GPUs job `job` still waits for.
  int64_t MissingGpus(int job) const;
  // Per queue: the deserved GPUs by DeservedShares over total_gpus, each
  // queue asking what it holds plus what its pending jobs still miss.
  std::vector<double> DeservedGpus() const;
  // Applies one member of `job` at `where`; FailedPrecondition if it does
  // not fit there.
  absl::Status PlaceMember(int job, Placement where);
  // Gives back every placed member of `job` (it finished).
  absl::Status ReleaseJob(int job);
};

class GangScheduler {
 public:
  virtual ~GangScheduler() = default;
  // Places what the policy allows now. Returns whether anything was
  // placed; InternalError if the node policy returns an invalid placement.
  virtual absl::StatusOr<bool> Cycle(GangCluster& cluster) = 0;
};

// The names accepted by MakeGangScheduler, in the order above.
const std::vector<std::string>& GangPolicyNames();

// `oracle` (FGD's target workload) must outlive the scheduler.
// InvalidArgument naming `name` when it is not a GangPolicyNames() entry.
absl::StatusOr<std::unique_ptr<GangScheduler>> MakeGangScheduler(
    absl::string_view name, const TargetWorkload& oracle, uint64_t seed);

}  // namespace gpulet::sched

#endif  // GPULET_SCHED_GANG_SCHEDULER_H_

// QueueGate: whether a queue may take more GPUs now — Volcano's queue
// rules applied at /filter, one pod or one gang at a time:
//   * a missing queue refuses the pod; a Closed queue admits no new group;
//   * `capability` caps every resource it names (GPUs whole and shared in
//     milli-GPU, CPU, memory) over what the queue holds;
//   * deserved shares: the cluster's GPUs dealt by weight and water-filled
//     by each queue's demand (held plus pending), as Volcano's proportion
//     plugin does (sched/queue_shares.h). A queue at or above its deserved
//     share waits while another queue below its share has a pending pod
//     that would fit now; otherwise it may borrow idle GPUs.
// Queues are enforced only once any exist (Volcano Queues watched or
// --queues given); Volcano's implicit "default" queue always exists.
//
// What each queue holds comes from the GrantTable (every grant carries its
// queue); what it has pending from the PodIndex, recomputed at most every
// `refresh` (25 ms) so a /filter does not walk every pending pod, and only
// when the index has changed since (`generation`). Within that window the
// asking queue's own ask is added to its demand, and a pending
// pod of another queue counts only if `check` (which the extender makes
// read the live index) says it is still pending and fits. Under sustained
// demand the cached view goes stale exactly where the rule looks: the
// oldest pending pods of a starved queue are the first to be bound, and
// its new pods are not in it yet. So when every cached pending pod of a
// below-share queue is gone, the view is read again before deciding, once.
//
// Thread-safe.
#ifndef GPULET_EXTENDER_QUEUE_GATE_H_
#define GPULET_EXTENDER_QUEUE_GATE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "extender/pod_demand.h"
#include "gang/group_registry.h"
#include "gang/queue_spec.h"
#include "gang/resource_amounts.h"

namespace gpulet::extender {

inline constexpr std::string_view kDefaultQueue = "default";

// One queue's share of the cluster's GPUs, in milli-GPU.
struct QueueShare {
  gang::QueueSpec spec;
  gang::ResourceAmounts allocated;
  int64_t pending_gpu_milli = 0;
  double deserved_gpu_milli = 0;
};

// What a pod of the cached pending view is now.
enum class PendingPodNow {
  kGone,        // bound or deleted since the view was read
  kDoesNotFit,  // still pending; no node has room for it now
  kFits,        // still pending and some node has room for it now
};

struct QueueVerdict {
  bool admitted = true;
  std::string reason;   // CamelCase, for the PodGroup condition
  std::string message;  // names the queue and what stops it
};

// The gate's rule on plain values, for tests: may `queue` take `ask`?
// `below_share_fits(name)` says whether that queue has a pending pod that
// fits now; it is asked only of queues below their share, and only when
// `queue` is at or above its own.
QueueVerdict DecideQueue(const std::string& queue,
                         const std::map<std::string, QueueShare>& shares,
                         const gang::ResourceAmounts& ask, bool new_group,
                         const std::function<bool(const std::string&)>&
                             below_share_fits);

// Prometheus gauges of each queue's GPUs: gpulet_extender_queue_gpu_milli
// {queue, kind="allocated"|"deserved"|"pending"}.
std::string RenderQueueMetrics(const std::map<std::string, QueueShare>& shares);

class QueueGate {
 public:
  using Clock = std::chrono::steady_clock;
  // Held GPUs by queue, e.g. GrantTable::QueueUsage.
  using Usage = std::function<std::map<std::string, gang::ResourceAmounts>()>;
  // Pending pods by queue, oldest first.
  using PendingByQueue =
      std::function<std::map<std::string, std::vector<PodDemand>>()>;
  // Bumped whenever what PendingByQueue returns may have changed, e.g.
  // PodIndex::generation; empty: assume it always has.
  using Generation = std::function<uint64_t()>;

  QueueGate(const gang::GroupRegistry* registry, Usage usage,
            PendingByQueue pending,
            Clock::duration refresh = std::chrono::milliseconds(25),
            Generation generation = {})
      : registry_(registry),
        usage_(std::move(usage)),
        pending_(std::move(pending)),
        generation_(std::move(generation)),
        refresh_(refresh) {}

  // Whether queues are enforced at all.
  bool active() const { return registry_->queues_in_use(); }

  // May a pod (or a gang, `ask` summed over its members) of `queue` be
  // placed now? `check` says what one pod of the pending view is now.
  QueueVerdict Admit(const std::string& queue, const gang::ResourceAmounts& ask,
                     bool new_group, int64_t cluster_gpu_milli,
                     const std::function<PendingPodNow(const PodDemand&)>& check,
                     Clock::time_point now);

  // Every queue's share now, for Queue status and /metrics.
  std::map<std::string, QueueShare> Shares(int64_t cluster_gpu_milli,
                                           Clock::time_point now);

 private:
  struct Pending {
    Clock::time_point at{};
    uint64_t generation = 0;
    std::map<std::string, std::vector<PodDemand>> by_queue;
  };
  // `asking` (may be empty) is the queue a pod or gang asks `ask_milli`
  // for: its demand counts even before the cached view shows the pods.
  std::map<std::string, QueueShare> SharesFrom(const Pending& pending,
                                               int64_t cluster_gpu_milli,
                                               const std::string& asking = "",
                                               int64_t ask_milli = 0) const;
  // The cached view, read again when older than `refresh_` and the
  // generation has moved, or when `force`.
  Pending PendingAt(Clock::time_point now, bool force = false);

  const gang::GroupRegistry* const registry_;
  const Usage usage_;
  const PendingByQueue pending_;
  const Generation generation_;
  const Clock::duration refresh_;
  std::mutex mu_;
  Pending cached_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gpulet::extender

#endif  // GPULET_EXTENDER_QUEUE_GATE_H_

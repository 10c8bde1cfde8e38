// Extender: the decision core behind the scheduler extender's verbs.
//
//   Filter     decides on the candidates (policy over a ledger snapshot),
//              commits a reservation that expires after the TTL unless a
//              bind confirms it, and answers the chosen node alone
//              (FilterMode::kSingle, HAMi's pattern: kube-scheduler's 0..10
//              priorities are too coarse to carry FGD's ranking) or every
//              feasible node (kAll, with Prioritize ranking them);
//   Prioritize 10 for the reserved node, 1..9 for other feasible nodes
//              (fuller GPUs higher), 0 for the rest;
//   Bind       binds only a pod this extender filtered (FilterLog) that the
//              API server shows unbound with the request's UID; anything
//              else is refused with a reason and a log line. It takes the
//              pod's reservation (or, with none or one for another node,
//              decides again on the bind's node), patches the
//              pod's gpulet.io/decision, bind-phase=allocating and bind-time
//              annotations, then POSTs the Binding. On any failure the grant
//              is released and the answer carries Error.
//   OnPodEvent keeps grants in step with the cluster: a deleted or finished
//              pod gives its grant back; a bound pod with a decision (or
//              asking whole nvidia.com/gpu without one) holds its GPUs.
//
// Gangs and queues (extender_gang.cc, docs/gangs.md): a pod of a group
// whose minMember is above 1 is placed with its group — the first member
// to reach /filter plans minMember pending members at once (Decider::
// PlaceAll) and holds their capacity; each then passes only on its planned
// node, and /bind holds every member at a barrier (GroupBook) until all
// planned members arrived, so gpulet never binds part of a gang. Queues
// (QueueGate) may make a pod or gang wait before anything is placed.
//
// Request-level failures never throw and never leave a reservation behind;
// each is counted in ExtenderMetrics by verb and reason.
//
// Thread-safe: any number of concurrent verbs plus one watch thread.
#ifndef GPULET_EXTENDER_EXTENDER_H_
#define GPULET_EXTENDER_EXTENDER_H_

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "extender/cluster_api.h"
#include "extender/cluster_model.h"
#include "extender/decider.h"
#include "extender/extender_metrics.h"
#include "extender/filter_log.h"
#include "extender/grant_table.h"
#include "extender/group_book.h"
#include "extender/pod_index.h"
#include "extender/queue_gate.h"
#include "gang/group_registry.h"
#include "extender/wire_types.h"

namespace gpulet::extender {

enum class FilterMode { kSingle, kAll };

struct ExtenderOptions {
  FilterMode filter_mode = FilterMode::kSingle;
  std::chrono::nanoseconds reservation_ttl = std::chrono::seconds(30);
  std::string policy = "fgd";
  uint64_t seed = 42;
  // How long and how many filtered pods /bind remembers (FilterLog); the
  // retention is at least twice the reservation TTL.
  std::chrono::nanoseconds filter_log_retention = std::chrono::minutes(10);
  size_t filter_log_capacity = 200'000;
  // How long a gang's planned members may take to all reach /bind, unless
  // its PodGroup says (scheduleTimeoutSeconds). Must stay below
  // kube-scheduler's extender httpTimeout.
  std::chrono::nanoseconds gang_timeout = std::chrono::seconds(30);
  // A PodGroup's scheduleTimeoutSeconds is held to at most this, so a
  // barrier never outlasts kube-scheduler's httpTimeout (45 s as shipped).
  std::chrono::nanoseconds gang_timeout_max = std::chrono::seconds(40);
  std::chrono::nanoseconds gang_backoff_initial = std::chrono::seconds(2);
  std::chrono::nanoseconds gang_backoff_max = std::chrono::minutes(5);
  // At most this many planned members may wait at the barrier at once:
  // each holds a server thread, so the server needs more threads than this.
  int barrier_capacity = 96;
};

class Extender {
 public:
  using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;
  using UnixNow = std::function<int64_t()>;

  // `model`, `api`, `metrics` and `registry` must outlive the extender;
  // without a registry no PodGroup or Queue is known (gpulet's own group
  // annotations still work). InvalidArgument for an unknown policy.
  static absl::StatusOr<std::unique_ptr<Extender>> Create(
      ExtenderOptions options, ClusterModel* model, ClusterApi* api,
      ExtenderMetrics* metrics, const gang::GroupRegistry* registry = nullptr);

  ExtenderFilterResult Filter(const ExtenderArgs& args);
  // InvalidArgument for a request without a usable pod.
  absl::StatusOr<std::vector<HostPriority>> Prioritize(
      const ExtenderArgs& args);
  ExtenderBindingResult Bind(const ExtenderBindingArgs& args);

  // A pod watch event: `type` is ADDED, MODIFIED or DELETED.
  void OnPodEvent(std::string_view type, const nlohmann::json& pod);

  // Releases reservations whose TTL passed, and bound grants of pods that
  // vanished while the pod watch was interrupted (looked up in the API
  // server once bound for a TTL without the watch showing them); returns
  // how many. Called once a second.
  int ReleaseExpired();

  GrantTable& grants() { return grants_; }
  const GroupBook& groups() const { return groups_; }
  const PodIndex& pods() const { return pods_; }
  QueueGate& queues() { return queues_; }
  const gang::GroupRegistry& registry() const { return *registry_; }
  // The milli-GPU of every GPU the cluster has, for queue shares.
  int64_t ClusterGpuMilli() const;
  const ExtenderOptions& options() const { return options_; }

  void SetClocksForTest(SteadyNow steady, UnixNow unix_now);

 private:
  Extender(ExtenderOptions options, ClusterModel* model, ClusterApi* api,
           ExtenderMetrics* metrics, std::unique_ptr<Decider> decider,
           const gang::GroupRegistry* registry);

  // What the gang and queue rules decided for a GPU pod at /filter.
  struct Gate {
    std::optional<ExtenderFilterResult> answer;  // set: the filter's answer
    std::string queue;                          // the pod's queue
    std::optional<gang::GroupKey> group;
  };
  // Applies the group and queue rules to a GPU pod (extender_gang.cc).
  // `admission` is admission_mu_, held on entry when queues are active; a
  // gang takes it in any case, since planning checks the bind barrier's
  // room before it fills it.
  Gate GateFilter(const ExtenderArgs& args, const PodDemand& demand,
                  const std::vector<std::string>& names,
                  std::unique_lock<std::mutex>& admission);
  // A member of a group of minMember > 1; nullopt when the group runs and
  // the member is placed alone.
  std::optional<ExtenderFilterResult> FilterGang(
      const ExtenderArgs& args, const PodDemand& demand,
      const gang::PodGroupSpec& spec, const std::string& queue,
      const std::vector<std::string>& names);
  // Plans and holds the group's members (the group is claimed).
  ExtenderFilterResult PlanGang(const ExtenderArgs& args,
                                const PodDemand& demand,
                                const gang::PodGroupSpec& spec,
                                const std::string& queue,
                                const std::vector<std::string>& names,
                                int bound);
  // No node passes; every candidate gets `message`.
  ExtenderFilterResult Refuse(const ExtenderArgs& args,
                              const std::vector<std::string>& names,
                              const std::string& decision,
                              const std::string& message);
  // The queue rules for `ask`; nullopt when admitted.
  std::optional<std::string> QueueRefusal(const std::string& queue,
                                          const gang::ResourceAmounts& ask,
                                          bool new_group,
                                          std::string* reason = nullptr);
  // Whether a pod of `group` (none: a pod of its own) starts a new group
  // for its queue: no member of the group is bound yet.
  bool IsNewGroup(const std::optional<gang::GroupKey>& group) const;
  // Whether `demand` fits some node now.
  bool FitsSomewhere(const PodDemand& demand) const;
  // Bind's barrier for a gang member's grant; OK to go ahead.
  absl::Status AwaitGang(const Grant& grant, const std::string& uid);
  // Gives up the live plan of `grant`'s group, if any, because one of its
  // members cannot be bound: the others stop waiting at the barrier.
  void FailPlanOf(const Grant& grant, const std::string& why);
  // Unavailable when `pod` is a member of a gang that does not run yet:
  // without a live plan it must not be bound alone (GrantForBind).
  absl::Status CheckUnplannedBind(const nlohmann::json& pod);
  // Every pending pod by queue, oldest first (QueueGate's input).
  std::map<std::string, std::vector<PodDemand>> PendingByQueue() const;
  // The queue of a pod with `membership` (its group's, else its own),
  // "default" for none.
  std::string QueueOf(const gang::PodMembership& membership) const;
  // Releases the reserved grants of a failed plan's members.
  void ReleasePlan(const std::vector<std::string>& uids,
                   const std::string& reason);

  // The decision for `placed`, on the model's node as it is now. Aborted
  // when the node is gone or changed under the placement; the placement's
  // ledger reservation is released then, so that the next ask sees the
  // node as it is.
  absl::StatusOr<handoff::PodDecision> DecideOrRelease(const PodDemand& demand,
                                                        const Placed& placed);

  // Fills `result` with `feasible` in the form the request used.
  void Answer(const ExtenderArgs& args, const std::vector<std::string>& keep,
              ExtenderFilterResult& result) const;
  ExtenderFilterResult FilterError(const std::string& reason,
                                   const std::string& message);
  // Nodes among `names` where the demand fits now.
  std::vector<std::string> Feasible(const PodDemand& demand,
                                    const std::vector<std::string>& names);
  // Bind's way to a grant: the reservation, or a decision on `node`.
  absl::StatusOr<Grant> GrantForBind(const ExtenderBindingArgs& args,
                                     const NodeInfo& node,
                                     const nlohmann::json& pod);
  // Why /bind must not bind the pod it names, or OK: it was filtered here,
  // exists, is unbound and has the request's UID. Fills `pod` on success.
  absl::Status CheckBindable(const ExtenderBindingArgs& args,
                             nlohmann::json& pod);
  ExtenderBindingResult BindError(const std::string& uid,
                                  const std::string& reason,
                                  const std::string& message);
  // ReleaseExpired's second half; see GrantTable::Unwatched.
  int ReleaseVanished();
  // OnPodEvent for a pod bound to a node.
  void HoldBoundPod(const std::string& uid, const nlohmann::json& pod,
                    const std::string& node_name);

  const ExtenderOptions options_;
  ClusterModel* const model_;
  ClusterApi* const api_;
  ExtenderMetrics* const metrics_;
  const std::unique_ptr<Decider> decider_;
  GrantTable grants_;
  FilterLog filtered_;
  std::unique_ptr<gang::GroupRegistry> own_registry_;  // when none given
  const gang::GroupRegistry* const registry_;
  PodIndex pods_;
  GroupBook groups_;
  QueueGate queues_;
  // Held from a pod's queue check to the grant it admits while queues are
  // enforced, so that two pods of a capped queue cannot both pass on the
  // same usage, and through a gang member's filter, so that two groups
  // cannot both fill the bind barrier's last room. kube-scheduler filters
  // one pod at a time, so this costs little.
  std::mutex admission_mu_;
  SteadyNow steady_now_;
  UnixNow unix_now_;
};

// Names of the nodes in an ExtenderArgs: NodeNames when present, else the
// Nodes list's items' metadata.name. InvalidArgument when it has neither.
absl::StatusOr<std::vector<std::string>> CandidateNames(
    const ExtenderArgs& args);

}  // namespace gpulet::extender

#endif  // GPULET_EXTENDER_EXTENDER_H_

// Extender's gang and queue rules at /filter and /bind: a pod of a group
// is placed with its group or not at all, and a pod waits while its queue
// may not take more.
#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "extender/extender.h"
#include "spdlog/spdlog.h"

namespace gpulet::extender {

int64_t Extender::ClusterGpuMilli() const {
  std::shared_ptr<const sched::Snapshot> snapshot = model_->ledger().snapshot();
  int64_t total = 0;
  for (const sched::NodeState* node : snapshot->view) {
    total += int64_t{node->gpu_count} * sched::kMilliPerGpu;
  }
  return total;
}

bool Extender::FitsSomewhere(const PodDemand& demand) const {
  std::shared_ptr<const sched::Snapshot> snapshot = model_->ledger().snapshot();
  for (size_t i = 0; i < snapshot->view.size(); ++i) {
    int64_t memory = 0;
    if (demand.gpu_memory_mib > 0) {
      std::shared_ptr<const NodeInfo> info = model_->Node(static_cast<int>(i));
      if (info == nullptr) continue;
      memory = info->gpu_memory_mib;
    }
    std::optional<sched::PodRequest> request = demand.RequestFor(memory);
    if (request && sched::Fits(*snapshot->view[i], *request)) return true;
  }
  return false;
}

std::string Extender::QueueOf(const gang::PodMembership& membership) const {
  std::string queue = membership.queue;
  if (membership.group) {
    absl::StatusOr<gang::PodGroupSpec> spec = registry_->ResolveGroup(membership);
    if (spec.ok() && !spec->queue.empty()) queue = spec->queue;
  }
  return queue.empty() ? std::string(kDefaultQueue) : queue;
}

std::map<std::string, std::vector<PodDemand>> Extender::PendingByQueue() const {
  std::map<std::string, std::vector<PodDemand>> by_queue;
  for (IndexedPod& pod : pods_.Pending()) {
    by_queue[QueueOf(pod.membership)].push_back(std::move(pod.demand));
  }
  return by_queue;
}

ExtenderFilterResult Extender::Refuse(const ExtenderArgs& args,
                                      const std::vector<std::string>& names,
                                      const std::string& decision,
                                      const std::string& message) {
  ExtenderFilterResult result;
  for (const std::string& name : names) result.failed_nodes[name] = message;
  metrics_->CountDecision("filter", decision);
  Answer(args, {}, result);
  return result;
}

std::optional<std::string> Extender::QueueRefusal(
    const std::string& queue, const gang::ResourceAmounts& ask, bool new_group,
    std::string* reason) {
  QueueVerdict verdict;
  if (queues_.active()) {
    verdict = queues_.Admit(
        queue, ask, new_group, ClusterGpuMilli(),
        [this](const PodDemand& pod) {
          if (!pods_.IsPending(pod.uid)) return PendingPodNow::kGone;
          return FitsSomewhere(pod) ? PendingPodNow::kFits
                                    : PendingPodNow::kDoesNotFit;
        },
        steady_now_());
  } else if (queue != kDefaultQueue) {
    // Nothing defines queues, yet the pod names one: it would otherwise be
    // placed as if its queue's limits did not exist.
    verdict = {false, "QueueNotFound",
               absl::StrCat("queue ", queue,
                            " does not exist (no Volcano Queue and no "
                            "--queues entry of that name)")};
  }
  if (verdict.admitted) return std::nullopt;
  if (reason != nullptr) *reason = verdict.reason;
  return verdict.message;
}

bool Extender::IsNewGroup(const std::optional<gang::GroupKey>& group) const {
  // Whatever its minMember: Volcano gives a plain job a PodGroup of 1.
  return !group || pods_.Members(*group).bound == 0;
}

Extender::Gate Extender::GateFilter(const ExtenderArgs& args,
                                    const PodDemand& demand,
                                    const std::vector<std::string>& names,
                                    std::unique_lock<std::mutex>& admission) {
  Gate gate;
  absl::StatusOr<gang::PodMembership> membership =
      gang::ReadPodMembership(args.pod);
  if (!membership.ok()) {
    gate.answer = Refuse(args, names, "group-refused",
                         absl::StrCat("pod refused: ", membership.status().message()));
    return gate;
  }
  gate.queue = membership->queue;
  if (membership->group) {
    gate.group = membership->group;
    absl::StatusOr<gang::PodGroupSpec> spec =
        registry_->ResolveGroup(*membership);
    if (!spec.ok()) {
      // Never placed alone: it waits for its PodGroup to be known.
      gate.answer = Refuse(args, names, "group-unknown",
                           absl::StrCat("pod waits: ", spec.status().message()));
      return gate;
    }
    if (!spec->queue.empty()) gate.queue = spec->queue;
    if (gate.queue.empty()) gate.queue = std::string(kDefaultQueue);
    if (spec->min_member > 1) {
      // Two groups planned at once would each see the barrier's room.
      if (!admission.owns_lock()) admission.lock();
      gate.answer = FilterGang(args, demand, *spec, gate.queue, names);
      if (gate.answer) return gate;
    }
  }
  if (gate.queue.empty()) gate.queue = std::string(kDefaultQueue);
  // A pod filtered again gives its old reservation back before its queue
  // is judged: counted against its own queue, it would keep itself out.
  grants_.ReleaseReserved(demand.uid, "refiltered");
  if (std::optional<std::string> refusal =
          QueueRefusal(gate.queue, AmountsOf(demand), IsNewGroup(gate.group))) {
    gate.answer = Refuse(args, names, "queue-wait", *refusal);
  }
  return gate;
}

void Extender::ReleasePlan(const std::vector<std::string>& uids,
                           const std::string& reason) {
  // Members already at /bind release their own grants when the barrier
  // fails them; only reservations are handed back here.
  for (const std::string& uid : uids) grants_.ReleaseReserved(uid, reason);
}

std::optional<ExtenderFilterResult> Extender::FilterGang(
    const ExtenderArgs& args, const PodDemand& demand,
    const gang::PodGroupSpec& spec, const std::string& queue,
    const std::vector<std::string>& names) {
  const gang::GroupKey& key = spec.key;
  const std::string group = key.ToString();
  GroupBook::Clock::time_point now = steady_now_();
  GroupBook::Standing standing = groups_.ForFilter(key, demand.uid, now, false);
  if (standing.node >= 0 && (standing.stage == GroupBook::Stage::kPlanned ||
                             standing.stage == GroupBook::Stage::kReleased)) {
    std::shared_ptr<const NodeInfo> node = model_->Node(standing.node);
    if (node != nullptr &&
        std::find(names.begin(), names.end(), node->name) != names.end()) {
      filtered_.Record(demand.uid, now);
      metrics_->CountDecision("filter", "gang-planned");
      ExtenderFilterResult result;
      Answer(args, {node->name}, result);
      return result;
    }
    std::string message = absl::StrCat(
        "group ", group, ": member ", demand.namespace_name, "/", demand.name,
        " cannot go to its planned node ",
        node != nullptr ? node->name : "(gone)",
        ": kube-scheduler's own filters exclude it; the group's plan is "
        "given up and nothing is bound");
    std::vector<std::string> uids =
        groups_.Fail(key, standing.plan, "Unschedulable", message, now);
    if (!uids.empty()) {
      spdlog::warn("{}", message);
      ReleasePlan(uids, "gang-replan");
    }
    return Refuse(args, names, "gang-failed", message);
  }
  GroupMembers members = pods_.Members(key);
  if (members.bound >= spec.min_member ||
      standing.stage == GroupBook::Stage::kReleased) {
    return std::nullopt;  // the group runs: further members go one by one
  }
  switch (standing.stage) {
    case GroupBook::Stage::kPlanned:
    case GroupBook::Stage::kPlanning:
      return Refuse(args, names, "gang-wait",
                    absl::StrCat("group ", group,
                                 " is being placed; this member waits until "
                                 "the group runs"));
    case GroupBook::Stage::kBackingOff:
      return Refuse(
          args, names, "gang-backoff",
          absl::StrCat("group ", group, " backs off for ",
                       std::chrono::duration_cast<std::chrono::seconds>(
                           standing.until - now)
                               .count() + 1,
                       " s after: ", standing.message));
    default:
      break;
  }
  if (groups_.ForFilter(key, demand.uid, now, true).stage !=
      GroupBook::Stage::kIdle) {
    return Refuse(args, names, "gang-wait",
                  absl::StrCat("group ", group, " is being placed"));
  }
  return PlanGang(args, demand, spec, queue, names, members.bound);
}

ExtenderFilterResult Extender::PlanGang(const ExtenderArgs& args,
                                        const PodDemand& demand,
                                        const gang::PodGroupSpec& spec,
                                        const std::string& queue,
                                        const std::vector<std::string>& names,
                                        int bound) {
  const gang::GroupKey& key = spec.key;
  const std::string group = key.ToString();
  GroupMembers members = pods_.Members(key);
  const int needed = spec.min_member - bound;
  // This member first (kube-scheduler brought it: its filters pass), then
  // the oldest pending members.
  std::vector<PodDemand> chosen{demand};
  for (const IndexedPod& pod : members.pending) {
    if (static_cast<int>(chosen.size()) == needed) break;
    if (pod.demand.uid != demand.uid) chosen.push_back(pod.demand);
  }
  if (static_cast<int>(chosen.size()) < needed) {
    std::string message = absl::StrCat(
        "group ", group, " needs ", spec.min_member, " members; ",
        bound + static_cast<int>(chosen.size()),
        " exist (pending or bound): it waits for the rest to be created");
    groups_.Waiting(key, "NotEnoughPods", message);
    return Refuse(args, names, "gang-wait", message);
  }
  if (groups_.open_members() + needed > options_.barrier_capacity) {
    std::string message = absl::StrCat(
        "group ", group, ": ", groups_.open_members(),
        " members of other groups wait at the bind barrier (at most ",
        options_.barrier_capacity, "); it is placed once they are bound");
    groups_.Waiting(key, "BarrierFull", message);
    return Refuse(args, names, "gang-wait", message);
  }
  gang::ResourceAmounts ask;
  for (const PodDemand& member : chosen) ask += AmountsOf(member);
  std::string reason;
  if (std::optional<std::string> refusal =
          QueueRefusal(queue, ask, /*new_group=*/true, &reason)) {
    std::string message = absl::StrCat("group ", group, ": ", *refusal);
    groups_.Waiting(key, reason, message);
    return Refuse(args, names, "queue-wait", message);
  }
  ExtenderFilterResult result;
  std::vector<int> candidates = model_->Usable(names, result.failed_nodes);
  absl::StatusOr<std::vector<Placed>> placed =
      decider_->PlaceAll(*model_, chosen, candidates);
  GroupBook::Clock::time_point now = steady_now_();
  if (!placed.ok()) {
    bool capacity = absl::IsResourceExhausted(placed.status());
    std::string message = absl::StrCat(
        "group ", group, " needs ", needed, " more members placed at once (",
        demand.gpu_count, " GPU", demand.gpu_count == 1 ? "" : "s",
        " each for this one): ", placed.status().message(),
        "; nothing is held");
    groups_.PlanFailed(key, capacity ? "NotEnoughResources" : "Conflict",
                       message, capacity, now);
    return Refuse(args, names, capacity ? "gang-unschedulable" : "conflict",
                  message);
  }
  // Compared in seconds first: a huge scheduleTimeoutSeconds would
  // overflow nanoseconds.
  std::chrono::nanoseconds timeout = std::min(
      spec.schedule_timeout_seconds
          ? std::chrono::nanoseconds(std::chrono::seconds(
                std::min<int64_t>(*spec.schedule_timeout_seconds,
                                  std::chrono::ceil<std::chrono::seconds>(
                                      options_.gang_timeout_max)
                                      .count())))
          : options_.gang_timeout,
      options_.gang_timeout_max);
  GroupBook::Clock::time_point deadline =
      now + std::chrono::duration_cast<GroupBook::Clock::duration>(timeout);
  std::vector<handoff::PodDecision> decisions;
  for (size_t i = 0; i < chosen.size(); ++i) {
    absl::StatusOr<handoff::PodDecision> decision = DecideOrRelease(chosen[i], (*placed)[i]);
    if (!decision.ok()) {
      // A node changed under the plan: give every other placement back.
      for (size_t j = 0; j < placed->size(); ++j) {
        if (j != i) model_->ledger().Release((*placed)[j].ledger_id).IgnoreError();
      }
      std::string message = absl::StrCat("group ", group, ": ",
                                         decision.status().message(),
                                         "; nothing is held");
      groups_.PlanFailed(key, "Conflict", message, /*capacity=*/false, now);
      return Refuse(args, names, "conflict", message);
    }
    decisions.push_back(*std::move(decision));
  }
  std::map<std::string, int> plan_members;
  for (size_t i = 0; i < chosen.size(); ++i) {
    plan_members[chosen[i].uid] = (*placed)[i].node;
  }
  uint64_t plan = groups_.Planned(key, plan_members, deadline);
  for (size_t i = 0; i < chosen.size(); ++i) {
    Grant grant;
    grant.ledger_id = (*placed)[i].ledger_id;
    grant.node = (*placed)[i].node;
    grant.decision = std::move(decisions[i]);
    grant.demand = chosen[i];
    // Past the deadline the sweeper fails the plan first; the TTL is only
    // a backstop.
    grant.expires = deadline + std::chrono::seconds(1);
    grant.queue = queue;
    grant.group = key;
    grant.plan = plan;
    grants_.Put(chosen[i].uid, std::move(grant));
  }
  filtered_.Record(demand.uid, now);
  metrics_->CountDecision("filter", "gang-planned");
  spdlog::info("group {}: {} members placed together, waiting for all to bind",
               group, chosen.size());
  Answer(args, {model_->Node((*placed)[0].node)->name}, result);
  return result;
}

absl::Status Extender::AwaitGang(const Grant& grant, const std::string& uid) {
  if (grant.plan == 0 || !grant.group) return absl::OkStatus();
  std::string why;
  if (groups_.Arrive(*grant.group, grant.plan, uid, steady_now_, why) ==
      GroupBook::Arrival::kGo) {
    return absl::OkStatus();
  }
  return absl::AbortedError(
      absl::StrCat("group ", grant.group->ToString(), ": ", why));
}

void Extender::FailPlanOf(const Grant& grant, const std::string& why) {
  if (grant.plan == 0 || !grant.group) return;
  std::string message = absl::StrCat("group ", grant.group->ToString(),
                                     ": a member cannot be bound (", why,
                                     "); nothing was bound");
  std::vector<std::string> uids = groups_.Fail(*grant.group, grant.plan, "Unschedulable",
                                               message, steady_now_());
  if (!uids.empty()) spdlog::warn("{}", message);
  ReleasePlan(uids, "gang-member-failed");
}

absl::Status Extender::CheckUnplannedBind(const nlohmann::json& pod) {
  absl::StatusOr<gang::PodMembership> membership = gang::ReadPodMembership(pod);
  if (!membership.ok()) return absl::UnavailableError(membership.status().message());
  if (!membership->group) return absl::OkStatus();
  absl::StatusOr<gang::PodGroupSpec> spec = registry_->ResolveGroup(*membership);
  if (!spec.ok()) return absl::UnavailableError(spec.status().message());
  if (spec->min_member <= 1 ||
      pods_.Members(spec->key).bound >= spec->min_member) {
    return absl::OkStatus();
  }
  return absl::UnavailableError(absl::StrCat(
      "member of group ", spec->key.ToString(),
      " without a live plan: a gang member is never bound alone"));
}

}  // namespace gpulet::extender

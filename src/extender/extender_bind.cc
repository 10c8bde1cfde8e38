// Extender's /bind and the pod watch: the two ways a grant becomes held by
// a bound pod, and the ways it is given back.
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/json_fields.h"
#include "base/status_macros.h"
#include "extender/extender.h"
#include "handoff/annotations.h"
#include "sched/gpu_choice.h"
#include "base/absl_format.h"
#include "spdlog/spdlog.h"

namespace gpulet::extender {
namespace {

using Json = nlohmann::json;

// The metrics reason for a CheckBindable refusal.
std::string RefusalReason(const absl::Status& status) {
  if (absl::IsPermissionDenied(status)) return "refused";
  if (absl::IsNotFound(status)) return "no-such-pod";
  if (absl::IsFailedPrecondition(status)) return "already-bound";
  return "api-error";
}

}  // namespace

ExtenderBindingResult Extender::BindError(const std::string& uid,
                                          const std::string& reason,
                                          const std::string& message) {
  if (!uid.empty()) grants_.Release(uid, "bind-failed");
  metrics_->CountFailure("bind", reason);
  return ExtenderBindingResult{message};
}

absl::Status Extender::CheckBindable(const ExtenderBindingArgs& args,
                                     Json& pod) {
  if (!filtered_.Contains(args.pod_uid, steady_now_())) {
    return absl::PermissionDeniedError(
        "this extender never filtered it (only kube-scheduler's own binds "
        "of pods it filtered here are served)");
  }
  absl::StatusOr<Json> found = api_->GetPod(args.pod_namespace, args.pod_name);
  if (!found.ok()) return found.status();
  if (StringAt(*found, {"metadata", "uid"}) != args.pod_uid) {
    return absl::PermissionDeniedError(absl::StrCat(
        "the pod's UID is ", StringAt(*found, {"metadata", "uid"}),
        ", not the request's ", args.pod_uid));
  }
  if (std::string bound = StringAt(*found, {"spec", "nodeName"});
      !bound.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the pod is already bound to ", bound));
  }
  pod = *std::move(found);
  return absl::OkStatus();
}

absl::StatusOr<Grant> Extender::GrantForBind(const ExtenderBindingArgs& args,
                                             const NodeInfo& node,
                                             const Json& pod) {
  std::optional<Grant> grant = grants_.StartBinding(args.pod_uid, steady_now_());
  if (grant && grant->node == node.index) return *std::move(grant);
  if (grant) {
    grants_.Release(args.pod_uid, "bound-elsewhere");
  } else if (grants_.ReleaseReserved(args.pod_uid, "expired")) {
    // Its reservation expired: decide again below.
  } else if (grants_.State(args.pod_uid)) {
    return absl::FailedPreconditionError(
        "the pod's grant is already being bound or bound");
  }
  // No live reservation: decide again, on the bind's node only — unless
  // the pod is a gang member, which goes with its group's plan or not.
  RETURN_IF_ERROR(CheckUnplannedBind(pod));
  ASSIGN_OR_RETURN(PodDemand demand, ParsePodDemand(pod));
  demand.uid = args.pod_uid;
  Grant fresh;
  fresh.node = node.index;
  fresh.demand = demand;
  fresh.state = GrantState::kBinding;
  if (!demand.uses_gpu()) return fresh;
  if (absl::StatusOr<gang::PodMembership> membership =
          gang::ReadPodMembership(pod);
      membership.ok()) {
    fresh.queue = QueueOf(*membership);
    fresh.group = membership->group;
  }
  if (!node.problem.empty()) {
    return absl::UnavailableError(
        absl::StrCat("node ", node.name, ": ", node.problem));
  }
  // The queue rules hold here as at /filter: the reservation they admitted
  // is gone, and its queue may have been given those GPUs since.
  std::unique_lock<std::mutex> admission(admission_mu_, std::defer_lock);
  if (queues_.active()) {
    admission.lock();
    if (std::optional<std::string> refusal = QueueRefusal(
            fresh.queue, AmountsOf(demand), IsNewGroup(fresh.group))) {
      return absl::UnavailableError(*refusal);
    }
  }
  ASSIGN_OR_RETURN(Placed placed,
                   decider_->Place(*model_, demand, {node.index}));
  ASSIGN_OR_RETURN(fresh.decision, DecideOrRelease(demand, placed));
  fresh.ledger_id = placed.ledger_id;
  grants_.Put(args.pod_uid, fresh);
  return fresh;
}

ExtenderBindingResult Extender::Bind(const ExtenderBindingArgs& args) {
  if (args.pod_name.empty() || args.pod_uid.empty() || args.node.empty()) {
    return BindError("", "bad-request",
                     "ExtenderBindingArgs needs PodName, PodUID and Node");
  }
  std::shared_ptr<const NodeInfo> node = model_->Find(args.node);
  if (node == nullptr || !node->present) {
    return BindError("", "unknown-node",
                     absl::StrCat("node ", args.node, " unknown to gpulet"));
  }
  std::string pod = absl::StrCat(args.pod_namespace, "/", args.pod_name);
  Json object;
  if (absl::Status bindable = CheckBindable(args, object); !bindable.ok()) {
    std::string message = absl::StrCat("pod ", pod, " (uid ", args.pod_uid,
                                       ") to ", args.node, ": not bound: ",
                                       bindable.message());
    spdlog::warn("/bind refused: {}", message);
    // Refused before any grant is touched: a forged request must not
    // release the real pod's reservation.
    return BindError("", RefusalReason(bindable), message);
  }
  absl::StatusOr<Grant> grant = GrantForBind(args, *node, object);
  if (!grant.ok()) {
    // FailedPrecondition: another bind holds the grant; leave it alone.
    bool ours = !absl::IsFailedPrecondition(grant.status());
    return BindError(ours ? args.pod_uid : "", "no-grant",
                     absl::StrCat("pod ", pod, " on ", args.node, ": ",
                                  grant.status().message()));
  }
  if (grant->demand.uses_gpu()) {
    AnnotationChanges changes{
        {std::string(handoff::kDecisionAnnotation),
         handoff::EncodePodDecision(grant->decision)},
        {std::string(handoff::kBindPhaseAnnotation),
         std::string(handoff::kBindPhaseAllocating)},
        {std::string(handoff::kBindTimeAnnotation),
         std::to_string(unix_now_())}};
    absl::Status patched =
        api_->PatchPodAnnotations(args.pod_namespace, args.pod_name, changes);
    if (!patched.ok()) {
      std::string message = absl::StrCat("pod ", pod, ": writing the decision: ",
                                         patched.message());
      // The rest of its gang must not wait for a member that cannot come.
      FailPlanOf(*grant, message);
      return BindError(args.pod_uid, "patch-failed", message);
    }
  }
  // After the decision is written: once the barrier opens, only the
  // binding itself stands between a member and its node.
  if (absl::Status go = AwaitGang(*grant, args.pod_uid); !go.ok()) {
    return BindError(args.pod_uid, "gang-incomplete",
                     absl::StrCat("pod ", pod, " not bound: ", go.message()));
  }
  absl::Status bound = api_->CreateBinding(args.pod_namespace, args.pod_name,
                                           args.pod_uid, args.node);
  if (!bound.ok()) {
    return BindError(args.pod_uid, "binding-failed",
                     absl::StrCat("pod ", pod, ": binding to ", args.node,
                                  ": ", bound.message()));
  }
  if (grant->demand.uses_gpu()) grants_.MarkBound(args.pod_uid, steady_now_());
  metrics_->CountDecision("bind", "bound");
  spdlog::debug("pod {}: bound to {}", pod, args.node);
  return ExtenderBindingResult{};
}

int Extender::ReleaseVanished() {
  int released = 0;
  std::chrono::steady_clock::time_point now = steady_now_();
  for (const UnwatchedGrant& unwatched : grants_.Unwatched(now - options_.reservation_ttl)) {
    absl::StatusOr<Json> pod = api_->GetPod(unwatched.namespace_name, unwatched.name);
    if (pod.ok() && StringAt(*pod, {"metadata", "uid"}) == unwatched.uid) {
      grants_.Recheck(unwatched.uid, now);  // the watch is late, or blind
      continue;
    }
    if (!pod.ok() && !absl::IsNotFound(pod.status())) continue;  // next sweep
    if (grants_.Release(unwatched.uid, "pod-gone")) {
      spdlog::info("pod {}/{}: gone while the pod watch was interrupted; its GPUs are free",
                   unwatched.namespace_name, unwatched.name);
      ++released;
    }
  }
  return released;
}

void Extender::OnPodEvent(std::string_view type, const Json& pod) {
  if (!pod.is_object()) return;
  std::string uid = StringAt(pod, {"metadata", "uid"});
  if (uid.empty()) return;
  std::string phase = StringAt(pod, {"status", "phase"});
  pods_.OnPodEvent(type, pod);
  if (type == "DELETED") {
    if (std::optional<Grant> grant = grants_.Get(uid)) {
      FailPlanOf(*grant, "the pod was deleted");
    }
    if (grants_.Release(uid, "pod-deleted")) groups_.CapacityFreed();
    return;
  }
  if (phase == "Succeeded" || phase == "Failed") {
    if (grants_.Release(uid, "pod-finished")) groups_.CapacityFreed();
    return;
  }
  std::string node_name = StringAt(pod, {"spec", "nodeName"});
  if (!node_name.empty()) HoldBoundPod(uid, pod, node_name);
}

void Extender::HoldBoundPod(const std::string& uid, const Json& pod,
                            const std::string& node_name) {
  std::optional<Grant> grant = grants_.Get(uid);
  std::shared_ptr<const NodeInfo> node = model_->Find(node_name);
  if (grant && node && grant->node == node->index) {
    if (grant->state == GrantState::kReserved) grants_.MarkBound(uid, steady_now_());
    grants_.MarkWatched(uid);
    return;
  }
  if (grant) grants_.Release(uid, "bound-elsewhere");
  if (node == nullptr) return;
  absl::StatusOr<PodDemand> demand = ParsePodDemand(pod);
  if (!demand.ok() || !demand->uses_gpu()) return;
  // Rule for pods gpulet did not decide: a decision for this node is held
  // as written; without one, whole nvidia.com/gpu asks hold the node's
  // lowest-indexed free GPUs (which ones the device plugin gave is unknown).
  Grant held;
  held.node = node->index;
  held.demand = *demand;
  held.state = GrantState::kBound;
  held.bound_at = steady_now_();
  held.watched = true;
  if (absl::StatusOr<gang::PodMembership> membership =
          gang::ReadPodMembership(pod);
      membership.ok()) {
    held.queue = QueueOf(*membership);
    held.group = membership->group;
  }
  sched::PodRequest request;
  sched::GpuMask gpus = 0;
  std::string annotation =
      AnnotationOf(pod, handoff::kDecisionAnnotation).value_or("");
  absl::StatusOr<handoff::PodDecision> decision =
      annotation.empty() ? absl::NotFoundError("no decision")
                         : handoff::DecodePodDecision(annotation);
  if (decision.ok() && decision->node == node_name) {
    absl::StatusOr<HeldGrant> from =
        GrantFromDecision(*decision, node->gpus, demand->cpu_milli,
                          demand->memory_mib);
    if (!from.ok()) {
      spdlog::warn("pod {}/{}: {}", demand->namespace_name, demand->name,
                   from.status().message());
      return;
    }
    request = from->request;
    gpus = from->gpus;
    held.decision = *std::move(decision);
  } else {
    std::optional<sched::PodRequest> whole = demand->RequestFor(0);
    if (!whole || demand->milli < sched::kMilliPerGpu) return;
    request = *whole;
    gpus = sched::BestFitGpus(*model_->ledger().snapshot()->nodes[node->index],
                              request);
  }
  absl::StatusOr<uint64_t> id =
      model_->ledger().Hold(request, {node->index, gpus});
  if (!id.ok()) {
    spdlog::warn("pod {}/{} on {}: its GPUs do not fit gpulet's ledger: {}",
                 demand->namespace_name, demand->name, node_name,
                 id.status().message());
    metrics_->CountFailure("watch", "grant-does-not-fit");
    return;
  }
  held.ledger_id = *id;
  grants_.Put(uid, std::move(held));
}

}  // namespace gpulet::extender

#include "extender/extender.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "handoff/annotations.h"
#include "base/absl_format.h"
#include "spdlog/spdlog.h"

namespace gpulet::extender {
namespace {

using Json = nlohmann::json;

int64_t WallSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string ItemName(const Json& item) {
  if (!item.is_object()) return "";
  auto metadata = item.find("metadata");
  if (metadata == item.end() || !metadata->is_object()) return "";
  auto name = metadata->find("name");
  return name != metadata->end() && name->is_string()
             ? name->get<std::string>()
             : "";
}

}  // namespace

// NodeNames as sent (not copied: a large cluster sends thousands), or the
// names of the Nodes items, kept in `storage`.
absl::StatusOr<const std::vector<std::string>*> CandidateNames(
    const ExtenderArgs& args, std::vector<std::string>& storage) {
  if (args.node_names) return &*args.node_names;
  if (!args.nodes) {
    return absl::InvalidArgumentError(
        "ExtenderArgs has neither NodeNames nor Nodes");
  }
  std::vector<std::string>& names = storage;
  auto items = args.nodes->find("items");
  if (items == args.nodes->end() || items->is_null()) return &names;
  if (!items->is_array()) {
    return absl::InvalidArgumentError("field \"Nodes.items\" must be a list");
  }
  for (const Json& item : *items) {
    std::string name = ItemName(item);
    if (name.empty()) {
      return absl::InvalidArgumentError(
          "field \"Nodes.items[]\" has a node without metadata.name");
    }
    names.push_back(std::move(name));
  }
  return &names;
}

Extender::Extender(ExtenderOptions options, ClusterModel* model,
                   ClusterApi* api, ExtenderMetrics* metrics,
                   std::unique_ptr<Decider> decider,
                   const gang::GroupRegistry* registry)
    : options_(std::move(options)),
      model_(model),
      api_(api),
      metrics_(metrics),
      decider_(std::move(decider)),
      grants_(&model->ledger(), metrics),
      filtered_(std::max<std::chrono::nanoseconds>(
                    options_.filter_log_retention,
                    2 * options_.reservation_ttl),
                options_.filter_log_capacity),
      own_registry_(registry == nullptr
                        ? std::make_unique<gang::GroupRegistry>()
                        : nullptr),
      registry_(registry != nullptr ? registry : own_registry_.get()),
      groups_(GroupBook::Options{
          std::chrono::duration_cast<GroupBook::Clock::duration>(
              options_.gang_backoff_initial),
          std::chrono::duration_cast<GroupBook::Clock::duration>(
              options_.gang_backoff_max)}),
      queues_(registry_, [this] { return grants_.QueueUsage(); },
              [this] { return PendingByQueue(); }, std::chrono::milliseconds(25),
              [this] { return pods_.generation() + registry_->generation(); }),
      steady_now_([] { return std::chrono::steady_clock::now(); }),
      unix_now_(WallSeconds) {}

absl::StatusOr<std::unique_ptr<Extender>> Extender::Create(
    ExtenderOptions options, ClusterModel* model, ClusterApi* api,
    ExtenderMetrics* metrics, const gang::GroupRegistry* registry) {
  ASSIGN_OR_RETURN(std::unique_ptr<Decider> decider,
                   Decider::Create(options.policy, options.seed));
  return std::unique_ptr<Extender>(new Extender(std::move(options), model, api,
                                                metrics, std::move(decider),
                                                registry));
}

void Extender::SetClocksForTest(SteadyNow steady, UnixNow unix_now) {
  steady_now_ = std::move(steady);
  unix_now_ = std::move(unix_now);
}

int Extender::ReleaseExpired() {
  int released = 0;
  for (auto& [key, uids] : groups_.Expire(steady_now_())) {
    spdlog::warn("group {}: gave up its plan: not every planned member "
                 "reached /bind within the timeout; its GPUs are free",
                 key.ToString());
    metrics_->CountFailure("bind", "gang-timeout");
    released += static_cast<int>(uids.size());
    ReleasePlan(uids, "gang-timeout");
  }
  return released + grants_.ReleaseExpired(steady_now_()) + ReleaseVanished();
}

std::vector<std::string> Extender::Feasible(
    const PodDemand& demand, const std::vector<std::string>& names) {
  std::shared_ptr<const sched::Snapshot> snapshot = model_->ledger().snapshot();
  std::vector<std::string> feasible;
  for (const std::string& name : names) {
    std::shared_ptr<const NodeInfo> info = model_->Find(name);
    if (info == nullptr || !info->problem.empty() ||
        info->index >= static_cast<int>(snapshot->nodes.size())) {
      continue;
    }
    std::optional<sched::PodRequest> request =
        demand.RequestFor(info->gpu_memory_mib);
    if (request && sched::Fits(*snapshot->nodes[info->index], *request)) {
      feasible.push_back(name);
    }
  }
  return feasible;
}

void Extender::Answer(const ExtenderArgs& args,
                      const std::vector<std::string>& keep,
                      ExtenderFilterResult& result) const {
  if (args.node_names || !args.nodes) {
    result.node_names = keep;
    return;
  }
  Json nodes = *args.nodes;
  Json items = Json::array();
  if (auto it = args.nodes->find("items");
      it != args.nodes->end() && it->is_array()) {
    for (const Json& item : *it) {
      if (std::find(keep.begin(), keep.end(), ItemName(item)) != keep.end()) {
        items.push_back(item);
      }
    }
  }
  nodes["items"] = std::move(items);
  result.nodes = std::move(nodes);
}

ExtenderFilterResult Extender::FilterError(const std::string& reason,
                                           const std::string& message) {
  metrics_->CountFailure("filter", reason);
  ExtenderFilterResult result;
  result.error = message;
  return result;
}

ExtenderFilterResult Extender::Filter(const ExtenderArgs& args) {
  if (!args.pod.is_object()) {
    return FilterError("bad-request", "ExtenderArgs has no Pod");
  }
  std::vector<std::string> storage;
  absl::StatusOr<const std::vector<std::string>*> found =
      CandidateNames(args, storage);
  if (!found.ok()) {
    return FilterError("bad-request", std::string(found.status().message()));
  }
  const std::vector<std::string>* names = *found;
  absl::StatusOr<PodDemand> demand = ParsePodDemand(args.pod);
  if (!demand.ok()) {
    return FilterError("bad-pod", std::string(demand.status().message()));
  }
  ExtenderFilterResult result;
  if (!demand->uses_gpu()) {
    metrics_->CountDecision("filter", "passthrough");
    if (!demand->uid.empty()) filtered_.Record(demand->uid, steady_now_());
    Answer(args, *names, result);
    return result;
  }
  if (demand->uid.empty()) {
    return FilterError("bad-pod", "pod has no metadata.uid");
  }
  std::optional<GrantState> state = grants_.State(demand->uid);
  if (state && *state != GrantState::kReserved) {
    return FilterError("already-bound",
                       absl::StrCat("pod ", demand->namespace_name, "/",
                                    demand->name, " is already being bound"));
  }
  std::unique_lock<std::mutex> admission(admission_mu_, std::defer_lock);
  if (queues_.active()) admission.lock();
  Gate gate = GateFilter(args, *demand, *names, admission);
  if (gate.answer) return *std::move(gate.answer);
  std::vector<int> candidates = model_->Usable(*names, result.failed_nodes);
  absl::StatusOr<Placed> placed =
      decider_->Place(*model_, *demand, candidates);
  if (absl::IsResourceExhausted(placed.status())) {
    std::string reason = absl::StrCat(
        "not enough free GPU for ", demand->gpu_count, " x ", demand->milli,
        " milli", demand->gpu_memory_mib > 0
                      ? absl::StrCat(" and ", demand->gpu_memory_mib, " MiB")
                      : "");
    for (int index : candidates) {
      result.failed_nodes[model_->Node(index)->name] = reason;
    }
    metrics_->CountDecision("filter", "unschedulable");
    Answer(args, {}, result);
    return result;
  }
  if (!placed.ok()) {
    return FilterError("conflict", std::string(placed.status().message()));
  }
  absl::StatusOr<handoff::PodDecision> decision = DecideOrRelease(*demand, *placed);
  if (!decision.ok()) {
    // kube-scheduler asks again.
    return FilterError("conflict", std::string(decision.status().message()));
  }
  const std::string chosen = decision->node;
  Grant grant;
  grant.ledger_id = placed->ledger_id;
  grant.node = placed->node;
  grant.decision = *std::move(decision);
  grant.demand = *demand;
  grant.expires = steady_now_() + options_.reservation_ttl;
  grant.queue = gate.queue;
  grant.group = gate.group;
  grants_.Put(demand->uid, std::move(grant));
  filtered_.Record(demand->uid, steady_now_());
  metrics_->CountDecision("filter", "placed");
  std::vector<std::string> keep{chosen};
  if (options_.filter_mode == FilterMode::kAll) {
    keep = Feasible(*demand, *names);
    if (std::find(keep.begin(), keep.end(), chosen) == keep.end()) {
      keep.push_back(chosen);
    }
  }
  // Nodes left out because another was chosen are not listed as failed:
  // kube-scheduler drops nodes absent from the answer anyway, and a
  // thousand reasons saying so would dominate the answer's cost.
  Answer(args, keep, result);
  return result;
}

absl::StatusOr<handoff::PodDecision> Extender::DecideOrRelease(
    const PodDemand& demand, const Placed& placed) {
  std::shared_ptr<const NodeInfo> node = model_->Node(placed.node);
  absl::StatusOr<handoff::PodDecision> decision =
      node == nullptr ? absl::AbortedError("the chosen node is gone")
                      : MakeDecision(demand, node->name, node->gpus, placed.gpus,
                                     unix_now_());
  if (!decision.ok()) model_->ledger().Release(placed.ledger_id).IgnoreError();
  return decision;
}

absl::StatusOr<std::vector<HostPriority>> Extender::Prioritize(
    const ExtenderArgs& args) {
  if (!args.pod.is_object()) {
    return absl::InvalidArgumentError("ExtenderArgs has no Pod");
  }
  std::vector<std::string> storage;
  ASSIGN_OR_RETURN(const std::vector<std::string>* found,
                   CandidateNames(args, storage));
  const std::vector<std::string>& names = *found;
  ASSIGN_OR_RETURN(PodDemand demand, ParsePodDemand(args.pod));
  std::vector<HostPriority> scores;
  std::optional<Grant> grant = grants_.Get(demand.uid);
  std::shared_ptr<const sched::Snapshot> snapshot = model_->ledger().snapshot();
  std::vector<std::string> feasible =
      demand.uses_gpu() ? Feasible(demand, names) : std::vector<std::string>{};
  for (const std::string& name : names) {
    HostPriority priority{name, 0};
    std::shared_ptr<const NodeInfo> info = model_->Find(name);
    if (grant && info && grant->node == info->index) {
      priority.score = 10;
    } else if (info && std::find(feasible.begin(), feasible.end(), name) !=
                           feasible.end()) {
      const sched::NodeState& state = *snapshot->nodes[info->index];
      int64_t capacity = int64_t{state.gpu_count} * sched::kMilliPerGpu;
      priority.score =
          capacity > 0 ? 1 + 8 * state.gpu_used_total() / capacity : 1;
    }
    scores.push_back(std::move(priority));
  }
  metrics_->CountDecision("prioritize", "scored");
  return scores;
}

}  // namespace gpulet::extender

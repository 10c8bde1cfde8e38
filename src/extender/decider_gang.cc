// Decider::PlaceAll: a gang's members planned on one snapshot and committed
// at once.
#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "extender/decider.h"
#include "sched/gpu_choice.h"

namespace gpulet::extender {
namespace {

constexpr int kAttempts = 16;

// Versions for planning copies of nodes: a policy caches by (index,
// version), so a copy changed by the plan must carry a version no real
// node reaches, or a cache entry made for the copy would be taken for the
// real node later.
uint64_t ScratchVersion() {
  static std::atomic<uint64_t> next{uint64_t{1} << 62};
  return next.fetch_add(1, std::memory_order_relaxed);
}

// True when every request fits `node` one after the other (whole GPUs
// lowest first, shares best-fit), which is how they would go there.
bool AllFit(sched::NodeState node,
            const std::vector<sched::PodRequest>& requests) {
  for (const sched::PodRequest& request : requests) {
    if (!sched::Fits(node, request)) return false;
    if (!sched::Apply(node, request, sched::BestFitGpus(node, request)).ok()) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<std::vector<sched::Ledger::PlannedPod>> Decider::PlanAll(
    sched::Policy& policy, const sched::Snapshot& snapshot,
    const std::vector<sched::PodRequest>& requests,
    const std::vector<int>& members, int& placed) {
  const int size = static_cast<int>(snapshot.view.size());
  std::vector<const sched::NodeState*> view(size, &blocked_);
  std::vector<int> together;
  for (int index : members) {
    if (index >= size) continue;
    view[index] = snapshot.view[index];
    if (AllFit(*snapshot.view[index], requests)) together.push_back(index);
  }
  // A gang that fits one node stays there: the policy chooses among those
  // nodes for the first member, the rest follow on that node alone.
  if (!together.empty()) {
    std::vector<const sched::NodeState*> only(size, &blocked_);
    for (int index : together) only[index] = view[index];
    std::optional<sched::Placement> first = policy.Decide(only, requests[0]);
    if (first) {
      std::fill(only.begin(), only.end(), &blocked_);
      view.swap(only);
      view[first->node] = snapshot.view[first->node];
    }
  }
  std::map<int, std::unique_ptr<sched::NodeState>> scratch;
  std::vector<sched::Ledger::PlannedPod> plan;
  placed = 0;
  for (const sched::PodRequest& request : requests) {
    std::optional<sched::Placement> placement = policy.Decide(view, request);
    if (!placement) return std::nullopt;
    auto& copy = scratch[placement->node];
    if (copy == nullptr) {
      copy = std::make_unique<sched::NodeState>(*view[placement->node]);
    }
    if (!sched::Apply(*copy, request, placement->gpus).ok()) {
      return std::nullopt;
    }
    copy->version = ScratchVersion();
    view[placement->node] = copy.get();
    plan.push_back({request, *placement});
    ++placed;
  }
  return plan;
}

absl::StatusOr<std::vector<Placed>> Decider::PlaceAll(
    ClusterModel& model, const std::vector<PodDemand>& demands,
    const std::vector<int>& candidates) {
  if (demands.empty()) return std::vector<Placed>{};
  // As in Place: a memory ask means different milli per GPU size, so each
  // group of candidates with one GPU memory is tried whole, largest first.
  bool by_memory = std::any_of(demands.begin(), demands.end(),
                               [](const PodDemand& d) { return d.gpu_memory_mib > 0; });
  std::map<int64_t, std::vector<int>, std::greater<>> groups;
  for (int index : candidates) {
    int64_t key = 0;
    if (by_memory) {
      std::shared_ptr<const NodeInfo> info = model.Node(index);
      if (info == nullptr) continue;
      key = info->gpu_memory_mib;
    }
    groups[key].push_back(index);
  }
  std::unique_ptr<sched::Policy> policy = Borrow();
  int best = 0;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    std::shared_ptr<const sched::Snapshot> snapshot = model.ledger().snapshot();
    bool conflict = false;
    for (const auto& [memory, members] : groups) {
      std::vector<sched::PodRequest> requests;
      for (const PodDemand& demand : demands) {
        std::optional<sched::PodRequest> request = demand.RequestFor(memory);
        if (!request) break;
        requests.push_back(*request);
      }
      if (requests.size() != demands.size()) continue;
      int placed = 0;
      std::optional<std::vector<sched::Ledger::PlannedPod>> plan =
          PlanAll(*policy, *snapshot, requests, members, placed);
      best = std::max(best, placed);
      if (!plan) continue;
      absl::flat_hash_map<int, uint64_t> versions;
      for (const auto& planned : *plan) {
        versions[planned.placement.node] =
            snapshot->nodes[planned.placement.node]->version;
      }
      absl::StatusOr<std::vector<uint64_t>> ids =
          model.ledger().CommitAll(*plan, versions);
      if (absl::IsAborted(ids.status())) {
        conflict = true;
        break;
      }
      Return(std::move(policy));
      if (!ids.ok()) return ids.status();
      std::vector<Placed> result;
      for (size_t i = 0; i < plan->size(); ++i) {
        const auto& planned = (*plan)[i];
        result.push_back(Placed{planned.placement.node, planned.placement.gpus,
                                (*ids)[i], planned.pod});
      }
      return result;
    }
    if (!conflict) {
      Return(std::move(policy));
      return absl::ResourceExhaustedError(absl::StrCat(
          "only ", best, " of ", demands.size(), " members fit"));
    }
  }
  Return(std::move(policy));
  return absl::AbortedError(
      absl::StrCat("gave up after ", kAttempts, " conflicting commits"));
}

}  // namespace gpulet::extender

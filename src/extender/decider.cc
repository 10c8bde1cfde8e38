#include "extender/decider.h"

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "sched/policy_factory.h"

namespace gpulet::extender {
namespace {

constexpr int kAttempts = 16;

std::string Canonical(const std::string& name) {
  if (name == "fgd") return "fgd-online";
  if (name == "binpack") return "hami-binpack";
  if (name == "spread") return "hami-spread";
  return name;
}

}  // namespace

Decider::Decider(std::string policy, uint64_t seed)
    : policy_(std::move(policy)), seed_(seed) {
  // Fits nothing (negative free CPU), and a version that policy caches
  // keyed by (index, version) never confuse with a real node's.
  blocked_.cpu_free = -1;
  blocked_.memory_free = -1;
  blocked_.version = std::numeric_limits<uint64_t>::max() - 1;
}

absl::StatusOr<std::unique_ptr<Decider>> Decider::Create(
    const std::string& policy, uint64_t seed) {
  std::string name = Canonical(policy);
  absl::StatusOr<std::unique_ptr<sched::Policy>> probe =
      sched::MakePolicy(name, sched::PolicyContext{seed, nullptr});
  if (!probe.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--policy ", policy, ": ", probe.status().message(),
        " (oracle FGD variants need a trace; use fgd, fgd-online or "
        "fgd-exact-online)"));
  }
  std::unique_ptr<Decider> decider(new Decider(name, seed));
  decider->Return(*std::move(probe));
  return decider;
}

std::unique_ptr<sched::Policy> Decider::Borrow() {
  uint64_t seed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<sched::Policy> policy = std::move(idle_.back());
      idle_.pop_back();
      return policy;
    }
    seed = seed_ + ++created_;
  }
  // The name was checked in Create, so this cannot fail.
  return *sched::MakePolicy(policy_, sched::PolicyContext{seed, nullptr});
}

void Decider::Return(std::unique_ptr<sched::Policy> policy) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(policy));
}

absl::StatusOr<Placed> Decider::Place(ClusterModel& model,
                                      const PodDemand& demand,
                                      const std::vector<int>& candidates) {
  // GPU memory per GPU -> candidates; one group (key 0) without a memory ask.
  std::map<int64_t, std::vector<int>, std::greater<>> groups;
  for (int index : candidates) {
    int64_t key = 0;
    if (demand.gpu_memory_mib > 0) {
      std::shared_ptr<const NodeInfo> info = model.Node(index);
      if (info == nullptr) continue;
      key = info->gpu_memory_mib;
    }
    groups[key].push_back(index);
  }
  std::unique_ptr<sched::Policy> policy = Borrow();
  absl::StatusOr<Placed> result =
      absl::ResourceExhaustedError("no candidate node fits the pod");
  bool conflict = false;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    std::shared_ptr<const sched::Snapshot> snapshot = model.ledger().snapshot();
    conflict = false;
    for (const auto& [memory, members] : groups) {
      std::optional<sched::PodRequest> request = demand.RequestFor(memory);
      if (!request) continue;
      std::vector<const sched::NodeState*> view(snapshot->view.size(),
                                                &blocked_);
      for (int index : members) {
        if (index < static_cast<int>(view.size())) {
          view[index] = snapshot->view[index];
        }
      }
      std::optional<sched::Placement> placement =
          policy->Decide(view, *request);
      if (!placement) continue;
      absl::StatusOr<uint64_t> id = model.ledger().Commit(
          *request, *placement, snapshot->nodes[placement->node]->version);
      if (absl::IsAborted(id.status())) {
        conflict = true;
        break;
      }
      if (!id.ok()) {
        result = id.status();
      } else {
        result = Placed{placement->node, placement->gpus, *id, *request};
      }
      Return(std::move(policy));
      return result;
    }
    if (!conflict) break;
  }
  if (conflict) {
    result = absl::AbortedError(absl::StrCat(
        "gave up after ", kAttempts, " conflicting commits"));
  }
  Return(std::move(policy));
  return result;
}

}  // namespace gpulet::extender

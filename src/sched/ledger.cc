#include "sched/ledger.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace gpulet::sched {

Ledger::Ledger(std::vector<NodeState> nodes) {
  auto snapshot = std::make_shared<Snapshot>();
  for (NodeState& node : nodes) {
    snapshot->nodes.push_back(std::make_shared<const NodeState>(node));
    snapshot->view.push_back(snapshot->nodes.back().get());
  }
  current_ = std::move(snapshot);
}

std::shared_ptr<const Snapshot> Ledger::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

void Ledger::PublishLocked(int index, const NodeState& node) {
  auto next = std::make_shared<Snapshot>(*current_);
  next->generation = current_->generation + 1;
  next->nodes[index] = std::make_shared<const NodeState>(node);
  next->view[index] = next->nodes[index].get();
  current_ = std::move(next);
}

absl::StatusOr<uint64_t> Ledger::Commit(const PodRequest& pod,
                                        const Placement& placement,
                                        uint64_t seen_version) {
  std::lock_guard<std::mutex> lock(mu_);
  if (placement.node < 0 ||
      placement.node >= static_cast<int>(current_->nodes.size())) {
    return absl::InvalidArgumentError(
        absl::StrCat("no node with index ", placement.node));
  }
  NodeState node = *current_->nodes[placement.node];
  if (node.version != seen_version) {
    return absl::AbortedError(absl::StrCat(
        "node ", placement.node, " changed (version ", seen_version, " -> ",
        node.version, "); decide again"));
  }
  RETURN_IF_ERROR(Apply(node, pod, placement.gpus));
  PublishLocked(placement.node, node);
  uint64_t id = next_reservation_++;
  held_.emplace(id, Held{pod, placement});
  return id;
}

absl::Status Ledger::Release(uint64_t reservation) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = held_.find(reservation);
  if (it == held_.end()) {
    return absl::NotFoundError(
        absl::StrCat("no reservation with id ", reservation));
  }
  const Held& held = it->second;
  NodeState node = *current_->nodes[held.placement.node];
  RETURN_IF_ERROR(::gpulet::sched::Release(node, held.pod, held.placement.gpus));
  PublishLocked(held.placement.node, node);
  held_.erase(it);
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> PlaceWithRetry(Ledger& ledger, Policy& policy,
                                        const PodRequest& pod, int attempts) {
  for (int attempt = 0; attempt < attempts; ++attempt) {
    std::shared_ptr<const Snapshot> snapshot = ledger.snapshot();
    std::optional<Placement> placement =
        policy.Decide(snapshot->cluster(), pod);
    if (!placement) {
      return absl::ResourceExhaustedError("no node fits the pod");
    }
    uint64_t seen = snapshot->nodes[placement->node]->version;
    absl::StatusOr<uint64_t> id = ledger.Commit(pod, *placement, seen);
    if (!absl::IsAborted(id.status())) return id;
  }
  return absl::AbortedError(
      absl::StrCat("gave up after ", attempts, " conflicting commits"));
}

}  // namespace gpulet::sched

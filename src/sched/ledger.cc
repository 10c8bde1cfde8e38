#include "sched/ledger.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace gpulet::sched {

Ledger::Ledger(std::vector<NodeState> nodes) {
  auto snapshot = std::make_shared<Snapshot>();
  for (NodeState& node : nodes) {
    snapshot->nodes.push_back(std::make_shared<const NodeState>(node));
    snapshot->view.push_back(snapshot->nodes[snapshot->nodes.size() - 1].get());
  }
  unavailable_.assign(snapshot->nodes.size(), 0);
  bases_ = std::move(nodes);
  current_ = std::move(snapshot);
}

std::shared_ptr<const Snapshot> Ledger::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

void Ledger::PublishLocked(int index, const NodeState& node) {
  auto next = std::make_shared<Snapshot>(*current_);
  next->generation = current_->generation + 1;
  next->nodes.set(index, std::make_shared<const NodeState>(node));
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

absl::StatusOr<std::vector<uint64_t>> Ledger::CommitAll(
    const std::vector<PlannedPod>& placements,
    const absl::flat_hash_map<int, uint64_t>& seen_versions) {
  std::lock_guard<std::mutex> lock(mu_);
  // Every node touched, applied on copies first: nothing is published
  // unless all of them fit.
  absl::flat_hash_map<int, NodeState> touched;
  for (const PlannedPod& planned : placements) {
    int index = planned.placement.node;
    if (index < 0 || index >= static_cast<int>(current_->nodes.size())) {
      return absl::InvalidArgumentError(
          absl::StrCat("no node with index ", index));
    }
    auto [it, inserted] = touched.try_emplace(index, *current_->nodes[index]);
    if (inserted) {
      auto seen = seen_versions.find(index);
      if (seen == seen_versions.end() || seen->second != it->second.version) {
        return absl::AbortedError(absl::StrCat(
            "node ", index, " changed since the plan; plan again"));
      }
    }
    RETURN_IF_ERROR(Apply(it->second, planned.pod, planned.placement.gpus));
  }
  std::vector<uint64_t> ids;
  for (auto& [index, node] : touched) PublishLocked(index, node);
  for (const PlannedPod& planned : placements) {
    uint64_t id = next_reservation_++;
    held_.emplace(id, Held{planned.pod, planned.placement});
    ids.push_back(id);
  }
  return ids;
}

absl::StatusOr<uint64_t> Ledger::Hold(const PodRequest& pod,
                                      const Placement& placement) {
  std::lock_guard<std::mutex> lock(mu_);
  if (placement.node < 0 ||
      placement.node >= static_cast<int>(current_->nodes.size())) {
    return absl::InvalidArgumentError(
        absl::StrCat("no node with index ", placement.node));
  }
  NodeState node = RebuildLocked(placement.node);
  RETURN_IF_ERROR(Apply(node, pod, placement.gpus));
  MaskLocked(placement.node, node);
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
  if (!held.applied) {
    held_.erase(it);
    return absl::OkStatus();
  }
  NodeState node = *current_->nodes[held.placement.node];
  // A masked GPU shows 0 free; Release adds its share back, masking hides
  // it again.
  RETURN_IF_ERROR(::gpulet::sched::Release(node, held.pod, held.placement.gpus));
  MaskLocked(held.placement.node, node);
  PublishLocked(held.placement.node, node);
  held_.erase(it);
  return absl::OkStatus();
}

void Ledger::MaskLocked(int index, NodeState& node) const {
  for (int g = 0; g < node.gpu_count; ++g) {
    if ((unavailable_[index] >> g) & 1u) node.gpu_free[g] = 0;
  }
}

int Ledger::AddNode(const NodeState& node) {
  std::lock_guard<std::mutex> lock(mu_);
  auto next = std::make_shared<Snapshot>(*current_);
  next->generation = current_->generation + 1;
  next->nodes.push_back(std::make_shared<const NodeState>(node));
  next->view.push_back(next->nodes[next->nodes.size() - 1].get());
  current_ = std::move(next);
  unavailable_.push_back(0);
  bases_.push_back(node);
  return static_cast<int>(current_->nodes.size()) - 1;
}

NodeState Ledger::RebuildLocked(int index) {
  NodeState node = bases_[index];
  node.version = current_->nodes[index]->version + 1;
  std::vector<std::pair<uint64_t, Held*>> here;
  for (auto& [id, held] : held_) {
    if (held.placement.node == index) here.emplace_back(id, &held);
  }
  std::sort(here.begin(), here.end());
  for (auto& [id, held] : here) {
    held->applied = Apply(node, held->pod, held->placement.gpus).ok();
  }
  return node;
}

absl::Status Ledger::ReplaceNode(int index, const NodeState& base,
                                 GpuMask unavailable) {
  std::lock_guard<std::mutex> lock(mu_);
  if (index < 0 || index >= static_cast<int>(current_->nodes.size())) {
    return absl::InvalidArgumentError(absl::StrCat("no node with index ", index));
  }
  bases_[index] = base;
  NodeState node = RebuildLocked(index);
  unavailable_[index] = unavailable;
  MaskLocked(index, node);
  PublishLocked(index, node);
  return absl::OkStatus();
}

int Ledger::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(current_->nodes.size());
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

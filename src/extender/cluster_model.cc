#include "extender/cluster_model.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "handoff/annotations.h"
#include "handoff/quantity.h"
#include "base/absl_format.h"
#include "spdlog/spdlog.h"

namespace gpulet::extender {
namespace {

using Json = nlohmann::json;

const Json* Path(const Json& object, std::initializer_list<const char*> keys) {
  const Json* at = &object;
  for (const char* key : keys) {
    if (!at->is_object()) return nullptr;
    auto it = at->find(key);
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at;
}

absl::StatusOr<handoff::Quantity> Allocatable(const Json& node,
                                              const char* resource) {
  const Json* value = Path(node, {"status", "allocatable", resource});
  if (value == nullptr) return handoff::Quantity::Parse("0");
  std::string text = value->is_string() ? value->get<std::string>()
                                        : value->dump();
  absl::StatusOr<handoff::Quantity> quantity = handoff::Quantity::Parse(text);
  if (!quantity.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "status.allocatable.", resource, ": ", quantity.status().message()));
  }
  return quantity;
}

// The node's GPUs from its annotation, sorted by index; sets `problem`
// instead of failing.
std::vector<handoff::NodeGpu> NodeGpus(const Json& node, std::string& problem) {
  const Json* annotations = Path(node, {"metadata", "annotations"});
  const Json* text = nullptr;
  if (annotations != nullptr && annotations->is_object()) {
    auto it = annotations->find(std::string(handoff::kNodeGpusAnnotation));
    if (it != annotations->end() && it->is_string()) text = &*it;
  }
  if (text == nullptr) {
    problem = "node has no gpulet.io/gpus annotation";
    return {};
  }
  absl::StatusOr<std::vector<handoff::NodeGpu>> gpus =
      handoff::DecodeNodeGpus(text->get<std::string>());
  if (!gpus.ok()) {
    problem = absl::StrCat("bad gpulet.io/gpus annotation: ",
                           gpus.status().message());
    return {};
  }
  if (gpus->size() > static_cast<size_t>(sched::kMaxGpusPerNode)) {
    problem = absl::StrCat("node reports ", gpus->size(),
                           " GPUs; gpulet schedules at most ",
                           sched::kMaxGpusPerNode);
    return {};
  }
  std::sort(gpus->begin(), gpus->end(),
            [](const auto& a, const auto& b) { return a.index < b.index; });
  if (gpus->empty()) problem = "node reports no GPUs";
  return *std::move(gpus);
}

}  // namespace

ClusterModel::ClusterModel() : ledger_({}) {}

absl::Status ClusterModel::UpsertNode(const Json& node) {
  const Json* name = Path(node, {"metadata", "name"});
  if (name == nullptr || !name->is_string() ||
      name->get<std::string>().empty()) {
    return absl::InvalidArgumentError("node has no metadata.name");
  }
  ASSIGN_OR_RETURN(handoff::Quantity cpu, Allocatable(node, "cpu"));
  ASSIGN_OR_RETURN(handoff::Quantity memory, Allocatable(node, "memory"));
  auto info = std::make_shared<NodeInfo>();
  info->name = name->get<std::string>();
  info->gpus = NodeGpus(node, info->problem);
  if (!info->problem.empty()) {
    spdlog::warn("node {}: no GPUs for gpulet: {}", info->name, info->problem);
  }
  return Publish(std::move(info), cpu.MilliValue(),
                 memory.Value() / (1024 * 1024));
}

absl::Status ClusterModel::Publish(std::shared_ptr<NodeInfo> info,
                                   int64_t cpu_milli, int64_t memory_mib) {
  int model = -1;
  sched::GpuMask unavailable = 0;
  int64_t gpu_memory = 0;
  for (size_t slot = 0; slot < info->gpus.size(); ++slot) {
    const handoff::NodeGpu& gpu = info->gpus[slot];
    if (!gpu.healthy) unavailable |= static_cast<sched::GpuMask>(1u << slot);
    gpu_memory = slot == 0 ? gpu.memory_mib
                           : std::min(gpu_memory, gpu.memory_mib);
  }
  info->gpu_memory_mib = gpu_memory;
  std::lock_guard<std::mutex> lock(mu_);
  if (!info->gpus.empty()) {
    absl::StatusOr<int> interned = models_.Intern(info->gpus[0].model);
    model = interned.ok() ? *interned : -1;  // past 32 models: unnamed
  }
  ASSIGN_OR_RETURN(sched::NodeState base,
                   sched::NodeState::Idle(cpu_milli, memory_mib,
                                          static_cast<int>(info->gpus.size()),
                                          model));
  auto it = index_.find(info->name);
  if (it == index_.end()) {
    info->index = ledger_.AddNode(base);
    // AddNode keeps the base version; nothing else holds this index yet.
    RETURN_IF_ERROR(ledger_.ReplaceNode(info->index, base, unavailable));
    index_.emplace(info->name, info->index);
    nodes_.push_back(std::move(info));
    return absl::OkStatus();
  }
  info->index = it->second;
  RETURN_IF_ERROR(ledger_.ReplaceNode(info->index, base, unavailable));
  nodes_[info->index] = std::move(info);
  return absl::OkStatus();
}

void ClusterModel::RemoveNode(std::string_view name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(std::string(name));
  if (it == index_.end()) return;
  auto gone = std::make_shared<NodeInfo>(*nodes_[it->second]);
  gone->present = false;
  gone->gpus.clear();
  gone->problem = "node was deleted";
  absl::Status status =
      ledger_.ReplaceNode(it->second, sched::NodeState{}, 0);
  if (!status.ok()) spdlog::error("node {}: {}", name, status.message());
  nodes_[it->second] = std::move(gone);
}

std::shared_ptr<const NodeInfo> ClusterModel::Find(std::string_view name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(std::string(name));
  if (it == index_.end()) return nullptr;
  return nodes_[it->second];
}

std::shared_ptr<const NodeInfo> ClusterModel::Node(int index) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (index < 0 || index >= static_cast<int>(nodes_.size())) return nullptr;
  return nodes_[index];
}

std::vector<int> ClusterModel::Usable(
    const std::vector<std::string>& names,
    std::map<std::string, std::string>& unusable) const {
  std::vector<int> indices;
  indices.reserve(names.size());
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& name : names) {
    auto it = index_.find(name);
    if (it == index_.end()) {
      unusable[name] = "node unknown to gpulet";
      continue;
    }
    const NodeInfo& info = *nodes_[it->second];
    if (!info.problem.empty()) {
      unusable[name] = info.problem;
    } else {
      indices.push_back(info.index);
    }
  }
  return indices;
}

int ClusterModel::node_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(nodes_.size());
}

}  // namespace gpulet::extender

#include "gang/group_registry.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/absl_format.h"
#include "base/absl_string_view.h"
#include "base/json_fields.h"
#include "spdlog/spdlog.h"

namespace gpulet::gang {

void GroupRegistry::OnPodGroupEvent(GroupSource source, std::string_view type,
                                    const nlohmann::json& object) {
  GroupKey key{source, StringAt(object, {"metadata", "namespace"}),
               StringAt(object, {"metadata", "name"})};
  ++generation_;
  if (type == "DELETED") {
    std::lock_guard<std::mutex> lock(mu_);
    groups_.erase(key);
    return;
  }
  absl::StatusOr<PodGroupSpec> spec = ParsePodGroup(source, object);
  std::lock_guard<std::mutex> lock(mu_);
  if (!spec.ok()) {
    if (groups_.erase(key) > 0 || type == "ADDED") {
      spdlog::warn("{} PodGroup {} ignored, its pods wait: {}",
                   GroupSourceName(source), key.ToString(), spec.status().message());
    }
    return;
  }
  groups_[key] = Known{*std::move(spec), object};
}

void GroupRegistry::OnQueueEvent(std::string_view type, const nlohmann::json& object) {
  std::string name = StringAt(object, {"metadata", "name"});
  ++generation_;
  if (type == "DELETED") {
    std::lock_guard<std::mutex> lock(mu_);
    watched_queues_.erase(name);
    return;
  }
  absl::StatusOr<QueueSpec> queue = ParseVolcanoQueue(object);
  std::lock_guard<std::mutex> lock(mu_);
  if (!queue.ok()) {
    if (watched_queues_.erase(name) > 0 || type == "ADDED") {
      spdlog::warn("Queue {} ignored, its pods wait: {}", name,
                   queue.status().message());
    }
    return;
  }
  watched_queues_[name] = *std::move(queue);
}

void GroupRegistry::SetConfiguredQueues(std::vector<QueueSpec> queues) {
  ++generation_;
  std::lock_guard<std::mutex> lock(mu_);
  configured_queues_.clear();
  for (QueueSpec& queue : queues) {
    std::string name = queue.name;
    configured_queues_[name] = std::move(queue);
  }
}

absl::StatusOr<PodGroupSpec> GroupRegistry::ResolveGroup(
    const PodMembership& membership) const {
  if (!membership.group) return absl::InvalidArgumentError("pod is in no group");
  const GroupKey& key = *membership.group;
  if (key.source == GroupSource::kGpulet) return GpuletGroupSpec(membership);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = groups_.find(key);
  if (it == groups_.end()) {
    return absl::NotFoundError(absl::StrCat(AsAbsl(GroupSourceName(key.source)),
                                            " PodGroup ", key.ToString(),
                                            " does not exist yet"));
  }
  return it->second.spec;
}

std::optional<nlohmann::json> GroupRegistry::GroupObject(const GroupKey& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = groups_.find(key);
  if (it == groups_.end()) return std::nullopt;
  return it->second.object;
}

std::optional<QueueSpec> GroupRegistry::FindQueue(std::string_view name) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = watched_queues_.find(name); it != watched_queues_.end()) return it->second;
  if (auto it = configured_queues_.find(name); it != configured_queues_.end()) {
    return it->second;
  }
  return std::nullopt;
}

std::vector<QueueSpec> GroupRegistry::Queues() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, QueueSpec, std::less<>> all = watched_queues_;
  for (const auto& [name, queue] : configured_queues_) all.try_emplace(name, queue);
  std::vector<QueueSpec> queues;
  queues.reserve(all.size());
  for (auto& [name, queue] : all) queues.push_back(std::move(queue));
  return queues;
}

bool GroupRegistry::queues_in_use() const {
  std::lock_guard<std::mutex> lock(mu_);
  return !watched_queues_.empty() || !configured_queues_.empty();
}

}  // namespace gpulet::gang

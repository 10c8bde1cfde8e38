#include "extender/group_status_writer.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/absl_format.h"
#include "spdlog/spdlog.h"

namespace gpulet::extender {
namespace {

// The observation of a group from what the book noted and the members the
// watch shows.
gang::GroupObservation Observe(const GroupBook::Note& note,
                               const GroupMembers& members, int min_member,
                               int64_t now_unix) {
  gang::GroupObservation observation;
  observation.state = note.state;
  observation.reason = note.reason;
  observation.message = note.message;
  observation.running = members.bound;
  observation.succeeded = members.succeeded;
  observation.failed = members.failed;
  observation.now_unix = now_unix;
  const bool live = members.bound > 0 || !members.pending.empty();
  if (members.bound >= min_member) {
    observation.state = gang::GroupState::kRunning;
  } else if (!live && members.succeeded >= min_member) {
    observation.state = gang::GroupState::kFinished;
  } else if (!live && members.failed > 0) {
    observation.state = gang::GroupState::kFailed;
  }
  if (observation.state != gang::GroupState::kWaiting) {
    observation.reason.clear();
    observation.message.clear();
  }
  return observation;
}

}  // namespace

int GroupStatusWriter::WriteGroup(const gang::GroupKey& key,
                                  const GroupBook::Note& note,
                                  int64_t now_unix) {
  gang::PodMembership membership;
  membership.group = key;
  absl::StatusOr<gang::PodGroupSpec> spec =
      extender_->registry().ResolveGroup(membership);
  if (!spec.ok()) return 0;
  GroupMembers members = extender_->pods().Members(key);
  gang::GroupObservation observation =
      Observe(note, members, spec->min_member, now_unix);
  int writes = 0;
  std::optional<nlohmann::json> object = extender_->registry().GroupObject(key);
  std::string path = gang::PodGroupPath(key);
  if (object && key.source == gang::GroupSource::kVolcano) {
    if (std::optional<nlohmann::json> update =
            gang::VolcanoStatusUpdate(*object, observation)) {
      ++writes;
      absl::StatusOr<nlohmann::json> written = api_->ReplaceObject(path, *update);
      if (!written.ok()) {
        spdlog::debug("group {}: status not written: {}", key.ToString(),
                      written.status().message());
      }
    }
  } else if (object && key.source == gang::GroupSource::kSchedulerPlugins) {
    if (std::optional<nlohmann::json> patch =
            gang::SchedulerPluginsStatusPatch(*object, observation)) {
      ++writes;
      absl::StatusOr<nlohmann::json> written =
          api_->MergePatchObject(absl::StrCat(path, "/status"), *patch);
      if (!written.ok()) {
        spdlog::debug("group {}: status not written: {}", key.ToString(),
                      written.status().message());
      }
    }
  }
  auto told = evented_.find(key);
  if (note.reason.empty() || observation.state != gang::GroupState::kWaiting ||
      (told != evented_.end() && told->second == note.changes)) {
    return writes;
  }
  nlohmann::json involved;
  if (object) {
    involved = *object;
  } else if (!members.pending.empty()) {
    const PodDemand& first = members.pending.front().demand;
    involved = {{"apiVersion", "v1"},
                {"kind", "Pod"},
                {"metadata",
                 {{"name", first.name},
                  {"namespace", first.namespace_name},
                  {"uid", first.uid}}}};
  } else {
    return writes;
  }
  ++writes;
  absl::StatusOr<nlohmann::json> created = api_->CreateObject(
      absl::StrCat("/api/v1/namespaces/", key.namespace_name, "/events"),
      gang::GroupEvent(*spec, involved, "Warning", note.reason, note.message,
                       now_unix));
  if (created.ok()) {
    evented_[key] = note.changes;
  } else {
    spdlog::debug("group {}: event not written: {}", key.ToString(),
                  created.status().message());
  }
  return writes;
}

int GroupStatusWriter::WriteQueues() {
  int writes = 0;
  if (!extender_->queues().active()) return 0;
  for (const auto& [name, share] : extender_->queues().Shares(
           extender_->ClusterGpuMilli(), std::chrono::steady_clock::now())) {
    if (not_crd_.contains(name)) continue;
    auto last = allocated_.find(name);
    if (last != allocated_.end() && last->second == share.allocated) continue;
    ++writes;
    absl::StatusOr<nlohmann::json> written = api_->MergePatchObject(
        absl::StrCat(gang::QueuePath(name), "/status"),
        gang::QueueAllocatedPatch(share.allocated));
    if (written.ok()) {
      allocated_[name] = share.allocated;
    } else if (absl::IsNotFound(written.status())) {
      not_crd_.insert(name);  // a --queues queue has no object to write
    }
  }
  return writes;
}

int GroupStatusWriter::Write(int64_t now_unix) {
  int writes = 0;
  std::map<gang::GroupKey, GroupBook::Note> notes = extender_->groups().Notes();
  for (const gang::GroupKey& key : extender_->pods().Groups()) notes.try_emplace(key);
  for (auto it = evented_.begin(); it != evented_.end();) {
    it = notes.contains(it->first) ? std::next(it) : evented_.erase(it);
  }
  for (const auto& [key, note] : notes) writes += WriteGroup(key, note, now_unix);
  return writes + WriteQueues();
}

}  // namespace gpulet::extender

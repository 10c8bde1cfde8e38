#include "extender/pod_index.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "base/json_fields.h"

namespace gpulet::extender {
namespace {

using Json = nlohmann::json;

// Finished counts are kept for groups whose members are all gone (their
// status says Completed); past this many such groups the oldest keys go.
constexpr size_t kMaxFinishedGroups = 10'000;

bool Older(const IndexedPod& a, const IndexedPod& b) {
  if (a.creation != b.creation) return a.creation < b.creation;
  return a.demand.name < b.demand.name;
}

}  // namespace

void PodIndex::RemoveLocked(const std::string& uid) {
  auto it = pods_.find(uid);
  if (it == pods_.end()) return;
  if (it->second.membership.group) {
    auto group = by_group_.find(*it->second.membership.group);
    if (group != by_group_.end()) {
      group->second.erase(uid);
      if (group->second.empty()) by_group_.erase(group);
    }
  }
  pods_.erase(it);
}

void PodIndex::OnPodEvent(std::string_view type, const Json& pod) {
  if (!pod.is_object()) return;
  std::string uid = StringAt(pod, {"metadata", "uid"});
  if (uid.empty()) return;
  std::string phase = StringAt(pod, {"status", "phase"});
  std::lock_guard<std::mutex> lock(mu_);
  ++generation_;
  if (type == "DELETED" || phase == "Succeeded" || phase == "Failed") {
    auto it = pods_.find(uid);
    if (it != pods_.end() && it->second.membership.group &&
        type != "DELETED") {
      Finished& finished = finished_[*it->second.membership.group];
      (phase == "Succeeded" ? finished.succeeded : finished.failed).insert(uid);
      for (auto f = finished_.begin();
           finished_.size() > kMaxFinishedGroups && f != finished_.end();) {
        f = by_group_.contains(f->first) ? std::next(f) : finished_.erase(f);
      }
    }
    RemoveLocked(uid);
    return;
  }
  absl::StatusOr<PodDemand> demand = ParsePodDemand(pod);
  absl::StatusOr<gang::PodMembership> membership =
      gang::ReadPodMembership(pod);
  if (!demand.ok() || !demand->uses_gpu() || !membership.ok()) {
    RemoveLocked(uid);
    return;
  }
  IndexedPod indexed{*std::move(demand), *std::move(membership),
                     StringAt(pod, {"spec", "nodeName"}),
                     StringAt(pod, {"metadata", "creationTimestamp"})};
  auto it = pods_.find(uid);
  if (it != pods_.end() &&
      it->second.membership.group != indexed.membership.group) {
    RemoveLocked(uid);
  }
  if (indexed.membership.group) by_group_[*indexed.membership.group].insert(uid);
  pods_[uid] = std::move(indexed);
}

GroupMembers PodIndex::Members(const gang::GroupKey& key) const {
  GroupMembers members;
  std::lock_guard<std::mutex> lock(mu_);
  if (auto group = by_group_.find(key); group != by_group_.end()) {
    for (const std::string& uid : group->second) {
      const IndexedPod& pod = pods_.at(uid);
      if (pod.node.empty()) {
        members.pending.push_back(pod);
      } else {
        ++members.bound;
      }
    }
  }
  if (auto finished = finished_.find(key); finished != finished_.end()) {
    members.succeeded = static_cast<int>(finished->second.succeeded.size());
    members.failed = static_cast<int>(finished->second.failed.size());
  }
  std::sort(members.pending.begin(), members.pending.end(), Older);
  return members;
}

std::vector<IndexedPod> PodIndex::Pending() const {
  std::vector<IndexedPod> pending;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [uid, pod] : pods_) {
    if (pod.node.empty()) pending.push_back(pod);
  }
  std::sort(pending.begin(), pending.end(), Older);
  return pending;
}

bool PodIndex::IsPending(const std::string& uid) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = pods_.find(uid);
  return it != pods_.end() && it->second.node.empty();
}

std::vector<gang::GroupKey> PodIndex::Groups() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<gang::GroupKey> keys;
  for (const auto& [key, uids] : by_group_) keys.push_back(key);
  for (const auto& [key, finished] : finished_) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

uint64_t PodIndex::generation() const {
  std::lock_guard<std::mutex> lock(mu_);
  return generation_;
}

}  // namespace gpulet::extender

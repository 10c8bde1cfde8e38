#include "plugin/grant_ledger.h"

#include <algorithm>
#include <tuple>

namespace gpulet::plugin {

void GrantLedger::Merge(PendingPod pod) {
  auto it = pods_.find(pod.uid);
  size_t served = static_cast<size_t>(std::max(pod.allocated, 0));
  if (it != pods_.end()) served = std::max(served, it->second.served);
  std::string uid = pod.uid;
  pods_[uid] = Entry{std::move(pod), served};
}

void GrantLedger::Replace(std::vector<PendingPod> pods) {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, Entry> old;
  old.swap(pods_);
  for (PendingPod& pod : pods) {
    auto it = old.find(pod.uid);
    if (it != old.end()) pods_.insert(old.extract(it));
    Merge(std::move(pod));
  }
}

void GrantLedger::Upsert(PendingPod pod) {
  std::lock_guard<std::mutex> lock(mu_);
  Merge(std::move(pod));
}

void GrantLedger::Remove(const std::string& uid) {
  std::lock_guard<std::mutex> lock(mu_);
  pods_.erase(uid);
}

const GrantLedger::Entry* GrantLedger::Find(size_t count, const GrantFits& fits) const {
  const Entry* best = nullptr;
  auto order = [](const Entry& e) {
    return std::tie(e.pod.decision.time_unix, e.pod.created_unix, e.pod.ns, e.pod.name);
  };
  for (const auto& [uid, entry] : pods_) {
    const std::vector<handoff::ContainerGrant>& containers = entry.pod.decision.containers;
    if (entry.served >= containers.size()) continue;
    const handoff::ContainerGrant& next = containers[entry.served];
    if (next.gpus.size() != count || !fits(next)) continue;
    if (best == nullptr || order(entry) < order(*best)) best = &entry;
  }
  return best;
}

std::optional<GrantClaim> GrantLedger::Claim(size_t count, const GrantFits& fits) {
  std::lock_guard<std::mutex> lock(mu_);
  const Entry* found = Find(count, fits);
  if (found == nullptr) return std::nullopt;
  Entry& entry = pods_.at(found->pod.uid);
  GrantClaim claim;
  claim.ns = entry.pod.ns;
  claim.name = entry.pod.name;
  claim.uid = entry.pod.uid;
  claim.container = entry.served;
  claim.containers = entry.pod.decision.containers.size();
  claim.grant = entry.pod.decision.containers[entry.served];
  ++entry.served;
  return claim;
}

std::optional<handoff::ContainerGrant> GrantLedger::Peek(size_t count,
                                                         const GrantFits& fits) const {
  std::lock_guard<std::mutex> lock(mu_);
  const Entry* found = Find(count, fits);
  if (found == nullptr) return std::nullopt;
  return found->pod.decision.containers[found->served];
}

void GrantLedger::Release(const GrantClaim& claim) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = pods_.find(claim.uid);
  if (it != pods_.end() && it->second.served == claim.container + 1) --it->second.served;
}

size_t GrantLedger::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return std::count_if(pods_.begin(), pods_.end(), [](const auto& item) {
    return item.second.served < item.second.pod.decision.containers.size();
  });
}

}  // namespace gpulet::plugin

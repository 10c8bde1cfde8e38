#include "extender/grant_table.h"

#include <utility>
#include <vector>

#include "base/absl_format.h"
#include "spdlog/spdlog.h"

namespace gpulet::extender {

const char* GrantStateName(GrantState state) {
  switch (state) {
    case GrantState::kReserved:
      return "reserved";
    case GrantState::kBinding:
      return "binding";
    case GrantState::kBound:
      return "bound";
  }
  return "unknown";
}

void GrantTable::ReleaseLocked(
    absl::flat_hash_map<std::string, Grant>::iterator it,
    const std::string& reason) {
  absl::Status status = ledger_->Release(it->second.ledger_id);
  if (!status.ok()) {
    // Only a bookkeeping bug can get here: each id is released once.
    spdlog::error("pod {}/{}: releasing its GPU grant failed: {}",
                  it->second.demand.namespace_name, it->second.demand.name,
                  status.message());
  }
  metrics_->CountRelease(reason);
  if (!it->second.queue.empty()) {
    auto used = queue_usage_.find(it->second.queue);
    if (used != queue_usage_.end()) {
      used->second -= AmountsOf(it->second.demand);
      if (used->second == gang::ResourceAmounts{}) queue_usage_.erase(used);
    }
  }
  grants_.erase(it);
}

void GrantTable::Put(const std::string& uid, Grant grant) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = grants_.find(uid); it != grants_.end()) {
    ReleaseLocked(it, "replaced");
  }
  if (!grant.queue.empty()) {
    queue_usage_[grant.queue] += AmountsOf(grant.demand);
  }
  grants_.emplace(uid, std::move(grant));
}

std::map<std::string, gang::ResourceAmounts> GrantTable::QueueUsage() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_usage_;
}

std::optional<Grant> GrantTable::StartBinding(
    const std::string& uid, std::chrono::steady_clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = grants_.find(uid);
  if (it == grants_.end() || it->second.state != GrantState::kReserved ||
      it->second.expires <= now) {
    return std::nullopt;
  }
  it->second.state = GrantState::kBinding;
  return it->second;
}

bool GrantTable::MarkBound(const std::string& uid,
                           std::chrono::steady_clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = grants_.find(uid);
  if (it == grants_.end()) return false;
  it->second.state = GrantState::kBound;
  it->second.bound_at = now;
  return true;
}

void GrantTable::MarkWatched(const std::string& uid) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = grants_.find(uid); it != grants_.end()) it->second.watched = true;
}

void GrantTable::Recheck(const std::string& uid, std::chrono::steady_clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = grants_.find(uid); it != grants_.end()) it->second.bound_at = now;
}

std::vector<UnwatchedGrant> GrantTable::Unwatched(
    std::chrono::steady_clock::time_point before) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<UnwatchedGrant> out;
  for (const auto& [uid, grant] : grants_) {
    if (grant.state == GrantState::kBound && !grant.watched &&
        grant.bound_at < before) {
      out.push_back({uid, grant.demand.namespace_name, grant.demand.name});
    }
  }
  return out;
}

bool GrantTable::Release(const std::string& uid, const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = grants_.find(uid);
  if (it == grants_.end()) return false;
  ReleaseLocked(it, reason);
  return true;
}

bool GrantTable::ReleaseReserved(const std::string& uid,
                                 const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = grants_.find(uid);
  if (it == grants_.end() || it->second.state != GrantState::kReserved) {
    return false;
  }
  ReleaseLocked(it, reason);
  return true;
}

int GrantTable::ReleaseExpired(std::chrono::steady_clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> expired;
  for (const auto& [uid, grant] : grants_) {
    if (grant.state == GrantState::kReserved && grant.expires <= now) {
      expired.push_back(uid);
    }
  }
  for (const std::string& uid : expired) {
    auto it = grants_.find(uid);
    spdlog::info("pod {}/{}: reservation on {} expired without a bind",
                 it->second.demand.namespace_name, it->second.demand.name,
                 it->second.decision.node);
    ReleaseLocked(it, "expired");
  }
  return static_cast<int>(expired.size());
}

std::optional<GrantState> GrantTable::State(const std::string& uid) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = grants_.find(uid);
  if (it == grants_.end()) return std::nullopt;
  return it->second.state;
}

std::map<std::string, Grant> GrantTable::All() const {
  std::lock_guard<std::mutex> lock(mu_);
  return std::map<std::string, Grant>(grants_.begin(), grants_.end());
}

std::optional<Grant> GrantTable::Get(const std::string& uid) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = grants_.find(uid);
  if (it == grants_.end()) return std::nullopt;
  return it->second;
}

std::map<std::string, int64_t> GrantTable::Counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, int64_t> counts{
      {"reserved", 0}, {"binding", 0}, {"bound", 0}};
  for (const auto& [uid, grant] : grants_) ++counts[GrantStateName(grant.state)];
  return counts;
}

int64_t GrantTable::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(grants_.size());
}

}  // namespace gpulet::extender

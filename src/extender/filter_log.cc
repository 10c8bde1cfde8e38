#include "extender/filter_log.h"

namespace gpulet::extender {

void FilterLog::Record(const std::string& uid, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  latest_[uid] = now;
  order_.emplace_back(now, uid);
  TrimLocked(now);
}

bool FilterLog::Contains(const std::string& uid, Clock::time_point now) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = latest_.find(uid);
  return it != latest_.end() && now - it->second <= retention_;
}

size_t FilterLog::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return latest_.size();
}

void FilterLog::TrimLocked(Clock::time_point now) {
  while (!order_.empty()) {
    const auto& [when, uid] = order_.front();
    auto it = latest_.find(uid);
    bool stale = it == latest_.end() || it->second != when;
    bool expired = now - when > retention_;
    // Re-recorded pods leave stale entries behind: the deque may hold more
    // than `capacity_` of them, but never more than twice as many.
    bool over = latest_.size() > capacity_ || order_.size() > 2 * capacity_;
    if (!stale && !expired && !over) break;
    if (!stale) latest_.erase(it);
    order_.pop_front();
  }
}

}  // namespace gpulet::extender

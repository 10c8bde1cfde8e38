// FilterLog: the pods this extender's /filter answered with at least one
// node, by UID, so that /bind binds nothing else. kube-scheduler binds only
// a pod it has just filtered, so a /bind for a pod never filtered here is
// not kube-scheduler's: it is refused rather than trusted to name a real,
// schedulable pod and node.
//
// An entry lasts `retention` after the pod's latest /filter (well past the
// reservation TTL: a bind may follow an expired reservation) and at most
// `capacity` entries are kept, the oldest forgotten first, so a flood of
// /filter calls costs bounded memory.
//
// Thread-safe.
#ifndef GPULET_EXTENDER_FILTER_LOG_H_
#define GPULET_EXTENDER_FILTER_LOG_H_

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"

namespace gpulet::extender {

class FilterLog {
 public:
  using Clock = std::chrono::steady_clock;

  FilterLog(Clock::duration retention, size_t capacity)
      : retention_(retention), capacity_(capacity) {}

  // The pod `uid` was filtered at `now`.
  void Record(const std::string& uid, Clock::time_point now);

  // Whether the pod was filtered within the retention before `now`.
  bool Contains(const std::string& uid, Clock::time_point now) const;

  size_t size() const;

 private:
  // Drops entries past their retention or beyond the capacity.
  void TrimLocked(Clock::time_point now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Clock::duration retention_;
  const size_t capacity_;
  mutable std::mutex mu_;
  // UID -> time of its latest /filter.
  absl::flat_hash_map<std::string, Clock::time_point> latest_
      ABSL_GUARDED_BY(mu_);
  // Every Record in time order; an entry whose time is older than the
  // UID's latest is a stale duplicate, skipped when trimmed.
  std::deque<std::pair<Clock::time_point, std::string>> order_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace gpulet::extender

#endif  // GPULET_EXTENDER_FILTER_LOG_H_

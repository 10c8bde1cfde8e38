// HealthFeed: where the one writer of health publishes snapshots and any
// number of readers pick them up.
//
// Readers either poll (Current(), or WaitForNewerThan() on a thread of
// their own) or subscribe a callback that is called after every publish
// with the new version. Callbacks run on the publisher's thread and must
// not block or call NVML: the plugin's ListAndWatch reactors only record
// the version and schedule a write on their own. Publish() never waits for
// readers other than for callbacks in flight.
//
// Thread-safe. The locks are std::mutex so that ThreadSanitizer sees them
// (Debian's abseil is not built with TSan). A Subscription must not outlive its feed; destroying it
// waits for a callback in flight to return, so the state a callback
// captures may be destroyed right after. A callback must not subscribe or
// unsubscribe (that would deadlock).
//
// Example:
//   HealthFeed::Subscription s = feed.Subscribe([&](uint64_t v) {
//     latest.store(v);  // and wake the reactor
//   });
#ifndef GPULET_HEALTH_HEALTH_FEED_H_
#define GPULET_HEALTH_HEALTH_FEED_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>

#include <condition_variable>
#include <mutex>

#include "absl/base/thread_annotations.h"
#include "health/health_snapshot.h"

namespace gpulet::health {

class HealthFeed {
 public:
  using Callback = std::function<void(uint64_t version)>;

  class Subscription {
   public:
    Subscription() = default;
    Subscription(Subscription&& other) noexcept;
    Subscription& operator=(Subscription&& other) noexcept;
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    ~Subscription() { Reset(); }

    // Unsubscribes now; no callback runs after it returns.
    void Reset();

   private:
    friend class HealthFeed;
    Subscription(HealthFeed* feed, uint64_t id) : feed_(feed), id_(id) {}
    HealthFeed* feed_ = nullptr;
    uint64_t id_ = 0;
  };

  // Starts with an empty snapshot of version 0.
  HealthFeed();

  // Makes `snapshot` current and calls every callback with its version.
  // Versions must grow; an older or equal one is ignored (returns false).
  bool Publish(std::shared_ptr<const HealthSnapshot> snapshot);

  // The latest snapshot; never null.
  std::shared_ptr<const HealthSnapshot> Current() const;

  // The latest snapshot once its version is above `version`, or the
  // current one after `timeout` or Close().
  std::shared_ptr<const HealthSnapshot> WaitForNewerThan(
      uint64_t version, std::chrono::milliseconds timeout) const;

  // Wakes every waiter; later waits return at once.
  void Close();

  Subscription Subscribe(Callback callback);

 private:
  void Unsubscribe(uint64_t id);

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  std::shared_ptr<const HealthSnapshot> current_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;

  // Separate from mu_ so that readers never wait behind a callback.
  std::mutex callbacks_mu_;
  uint64_t next_id_ ABSL_GUARDED_BY(callbacks_mu_) = 1;
  std::map<uint64_t, Callback> callbacks_ ABSL_GUARDED_BY(callbacks_mu_);
};

}  // namespace gpulet::health

#endif  // GPULET_HEALTH_HEALTH_FEED_H_

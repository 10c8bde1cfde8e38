// ResourcePublisher: the current ResourceSnapshot of one resource and the
// subscribers that want to hear when it changes (the ListAndWatch streams).
//
// One writer (the Manager) publishes snapshots with increasing versions;
// any thread may read the current one. Subscribers get a notification
// callback, called after each Publish() and on Wake(), outside the
// snapshot lock; it must not block (a ListAndWatch reactor only starts a
// write). Unsubscribe() waits for a notification already running for that
// subscriber, so after it returns the callback is never called again and
// its captures may be destroyed.
//
// Thread-safe.
#ifndef GPULET_PLUGIN_RESOURCE_PUBLISHER_H_
#define GPULET_PLUGIN_RESOURCE_PUBLISHER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "absl/base/thread_annotations.h"
#include "plugin/resource_snapshot.h"

namespace gpulet::plugin {

class ResourcePublisher {
 public:
  using SubscriptionId = uint64_t;

  // `initial` must not be null.
  explicit ResourcePublisher(std::shared_ptr<const ResourceSnapshot> initial);
  ResourcePublisher(const ResourcePublisher&) = delete;
  ResourcePublisher& operator=(const ResourcePublisher&) = delete;

  std::shared_ptr<const ResourceSnapshot> Current() const ABSL_LOCKS_EXCLUDED(mu_);

  // Replaces the current snapshot and notifies the subscribers. The
  // snapshot's version is overwritten with the next version number, so
  // callers need not count.
  void Publish(ResourceSnapshot snapshot) ABSL_LOCKS_EXCLUDED(mu_, notify_mu_);

  // Notifies the subscribers without a new snapshot: a stopping server
  // uses it to make its streams look at their stop flag.
  void Wake() ABSL_LOCKS_EXCLUDED(notify_mu_);

  SubscriptionId Subscribe(std::function<void()> notify) ABSL_LOCKS_EXCLUDED(notify_mu_);
  void Unsubscribe(SubscriptionId id) ABSL_LOCKS_EXCLUDED(notify_mu_);
  size_t SubscriberCount() const ABSL_LOCKS_EXCLUDED(notify_mu_);

 private:
  void NotifyAll() ABSL_LOCKS_EXCLUDED(notify_mu_);

  mutable std::mutex mu_;
  std::shared_ptr<const ResourceSnapshot> current_ ABSL_GUARDED_BY(mu_);

  // Held while notifying, so that Unsubscribe() waits for a running
  // notification. Never held together with mu_.
  mutable std::mutex notify_mu_;
  std::map<SubscriptionId, std::function<void()>> subscribers_
      ABSL_GUARDED_BY(notify_mu_);
  SubscriptionId next_id_ ABSL_GUARDED_BY(notify_mu_) = 1;
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_RESOURCE_PUBLISHER_H_

#include "plugin/resource_publisher.h"

#include <utility>

namespace gpulet::plugin {

ResourcePublisher::ResourcePublisher(std::shared_ptr<const ResourceSnapshot> initial)
    : current_(std::move(initial)) {}

std::shared_ptr<const ResourceSnapshot> ResourcePublisher::Current() const {
  std::unique_lock<std::mutex> lock(mu_);
  return current_;
}

void ResourcePublisher::Publish(ResourceSnapshot snapshot) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    snapshot.version = current_->version + 1;
    current_ = std::make_shared<const ResourceSnapshot>(std::move(snapshot));
  }
  NotifyAll();
}

void ResourcePublisher::Wake() { NotifyAll(); }

ResourcePublisher::SubscriptionId ResourcePublisher::Subscribe(
    std::function<void()> notify) {
  std::unique_lock<std::mutex> lock(notify_mu_);
  SubscriptionId id = next_id_++;
  subscribers_.emplace(id, std::move(notify));
  return id;
}

void ResourcePublisher::Unsubscribe(SubscriptionId id) {
  std::unique_lock<std::mutex> lock(notify_mu_);
  subscribers_.erase(id);
}

size_t ResourcePublisher::SubscriberCount() const {
  std::unique_lock<std::mutex> lock(notify_mu_);
  return subscribers_.size();
}

void ResourcePublisher::NotifyAll() {
  std::unique_lock<std::mutex> lock(notify_mu_);
  for (auto& [id, notify] : subscribers_) notify();
}

}  // namespace gpulet::plugin

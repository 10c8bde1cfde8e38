#include "health/health_feed.h"


namespace gpulet::health {

HealthFeed::Subscription::Subscription(Subscription&& other) noexcept
    : feed_(other.feed_), id_(other.id_) {
  other.feed_ = nullptr;
}

HealthFeed::Subscription& HealthFeed::Subscription::operator=(
    Subscription&& other) noexcept {
  if (this != &other) {
    Reset();
    feed_ = other.feed_;
    id_ = other.id_;
    other.feed_ = nullptr;
  }
  return *this;
}

void HealthFeed::Subscription::Reset() {
  if (feed_ != nullptr) feed_->Unsubscribe(id_);
  feed_ = nullptr;
}

HealthFeed::HealthFeed() : current_(std::make_shared<const HealthSnapshot>()) {}

bool HealthFeed::Publish(std::shared_ptr<const HealthSnapshot> snapshot) {
  const uint64_t version = snapshot->version();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (version <= current_->version()) return false;
    current_ = std::move(snapshot);
  }
  changed_.notify_all();
  // Callbacks run outside mu_ so that readers never wait for them; under
  // callbacks_mu_ so that Unsubscribe() waits for one in flight.
  std::lock_guard<std::mutex> lock(callbacks_mu_);
  for (auto& [id, callback] : callbacks_) callback(version);
  return true;
}

std::shared_ptr<const HealthSnapshot> HealthFeed::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

std::shared_ptr<const HealthSnapshot> HealthFeed::WaitForNewerThan(
    uint64_t version, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait_for(lock, timeout, [this, version]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return closed_ || current_->version() > version;
  });
  return current_;
}

void HealthFeed::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }
  changed_.notify_all();
}

HealthFeed::Subscription HealthFeed::Subscribe(Callback callback) {
  std::lock_guard<std::mutex> lock(callbacks_mu_);
  uint64_t id = next_id_++;
  callbacks_.emplace(id, std::move(callback));
  return Subscription(this, id);
}

void HealthFeed::Unsubscribe(uint64_t id) {
  std::lock_guard<std::mutex> lock(callbacks_mu_);
  callbacks_.erase(id);
}

}  // namespace gpulet::health

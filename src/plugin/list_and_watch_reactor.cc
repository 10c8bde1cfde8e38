#include "plugin/list_and_watch_reactor.h"

#include <utility>

#include "spdlog/spdlog.h"

namespace gpulet::plugin {

ListAndWatchReactor::ListAndWatchReactor(std::shared_ptr<ResourcePublisher> publisher,
                                         const std::atomic<bool>* stopping)
    : publisher_(std::move(publisher)), stopping_(stopping) {
  subscription_ = publisher_->Subscribe([this] { OnPublished(); });
  Step();
}

void ListAndWatchReactor::OnPublished() { Step(); }

bool ListAndWatchReactor::PrepareNextLocked() {
  if (writing_ || finishing_) return false;
  if (cancelled_) {
    finishing_ = true;
    finish_status_ = grpc::Status::CANCELLED;
    return false;
  }
  if (stopping_->load()) {
    finishing_ = true;
    finish_status_ = grpc::Status::OK;
    return false;
  }
  std::shared_ptr<const ResourceSnapshot> snapshot = publisher_->Current();
  if (sent_any_ && snapshot->version == sent_version_) return false;
  message_ = snapshot->ToListAndWatchResponse();
  sent_version_ = snapshot->version;
  sent_any_ = true;
  writing_ = true;
  return true;
}

// StartWrite() and Finish() run without mu_: gRPC may run a reaction
// inline, and the reaction takes mu_.
void ListAndWatchReactor::Step() {
  bool write = false;
  bool finish = false;
  grpc::Status status;
  {
    std::unique_lock<std::mutex> lock(mu_);
    bool was_finishing = finishing_;
    write = PrepareNextLocked();
    finish = !was_finishing && finishing_;
    status = finish_status_;
  }
  if (write) StartWrite(&message_);
  if (finish) Finish(status);
}

void ListAndWatchReactor::OnWriteDone(bool ok) {
  bool finish = false;
  grpc::Status status;
  {
    std::unique_lock<std::mutex> lock(mu_);
    writing_ = false;
    if (!ok && !finishing_) {
      // The kubelet went away mid-write; report it instead of OK.
      finishing_ = true;
      finish = true;
      finish_status_ = grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                    "ListAndWatch: sending the device list failed");
      status = finish_status_;
    }
  }
  if (finish) {
    Finish(status);
    return;
  }
  Step();
}

void ListAndWatchReactor::OnCancel() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    cancelled_ = true;
  }
  Step();
}

void ListAndWatchReactor::OnDone() {
  // Not under mu_: Unsubscribe waits for a running OnPublished, which takes mu_.
  publisher_->Unsubscribe(subscription_);
  delete this;
}

}  // namespace gpulet::plugin

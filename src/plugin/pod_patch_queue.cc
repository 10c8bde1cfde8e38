#include "plugin/pod_patch_queue.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/absl_format.h"
#include "handoff/annotations.h"
#include "spdlog/spdlog.h"

namespace gpulet::plugin {

AnnotationPatch ServedPatch(const GrantClaim& claim) {
  AnnotationPatch patch;
  patch[std::string(handoff::kAllocatedContainersAnnotation)] = std::to_string(claim.container + 1);
  if (claim.last()) {
    patch[std::string(handoff::kBindPhaseAnnotation)] = std::string(handoff::kBindPhaseSuccess);
  }
  return patch;
}

PodPatchQueue::PodPatchQueue(HandoffApi* api, std::chrono::milliseconds retry_min,
                             std::chrono::milliseconds retry_max)
    : api_(api), retry_min_(retry_min), retry_max_(retry_max), thread_([this] { Run(); }) {}

PodPatchQueue::~PodPatchQueue() { Stop(); }

void PodPatchQueue::Served(const GrantClaim& claim) {
  std::lock_guard<std::mutex> lock(mu_);
  // A later container's count includes the earlier ones; never go back,
  // even when two Allocates of one pod report out of order. Bounded: a
  // straggler older than this many pods is not expected.
  if (highest_.size() >= 4096 && !highest_.contains(claim.uid)) highest_.clear();
  size_t& highest = highest_[claim.uid];
  if (claim.container + 1 <= highest) return;
  highest = claim.container + 1;
  Pending& pending = queue_[claim.uid];
  pending.ns = claim.ns;
  pending.name = claim.name;
  pending.served = claim.container + 1;
  pending.patch = ServedPatch(claim);
  pending.not_before = std::chrono::steady_clock::now();
  pending.delay = std::chrono::milliseconds(0);
  cv_.notify_all();
}

void PodPatchQueue::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_ && !thread_.joinable()) return;
    stop_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [uid, pending] : queue_) {
    spdlog::warn("pod {}/{}: dropping the unwritten patch of {} served container(s) at stop",
                 pending.ns, pending.name, pending.served);
  }
  queue_.clear();
}

bool PodPatchQueue::WaitIdleForTest(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [this] { return queue_.empty() && !in_flight_; });
}

void PodPatchQueue::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    auto now = std::chrono::steady_clock::now();
    auto next = queue_.end();
    for (auto it = queue_.begin(); it != queue_.end(); ++it) {
      if (next == queue_.end() || it->second.not_before < next->second.not_before) next = it;
    }
    if (next == queue_.end()) {
      cv_.wait(lock);
      continue;
    }
    if (next->second.not_before > now) {
      cv_.wait_until(lock, next->second.not_before);
      continue;
    }
    std::string uid = next->first;
    Pending work = next->second;
    queue_.erase(next);
    in_flight_ = true;
    lock.unlock();
    absl::Status status = api_->PatchPodAnnotations(work.ns, work.name, work.patch);
    lock.lock();
    in_flight_ = false;
    if (absl::IsNotFound(status)) {
      spdlog::info("pod {}/{}: gone before {} served container(s) were recorded", work.ns,
                   work.name, work.served);
    } else if (!status.ok()) {
      std::string cause(status.message());
      if (cause != work.last_error) {
        spdlog::warn("pod {}/{}: cannot record {} served container(s): {}; retrying", work.ns,
                     work.name, work.served, status);
      }
      // Requeue unless a newer count arrived meanwhile.
      if (!queue_.contains(uid)) {
        work.last_error = cause;
        work.delay = std::min(retry_max_, std::max(retry_min_, work.delay * 2));
        work.not_before = std::chrono::steady_clock::now() + work.delay;
        queue_[uid] = std::move(work);
      }
    } else if (!work.last_error.empty()) {
      spdlog::info("pod {}/{}: recorded {} served container(s) after retrying", work.ns,
                   work.name, work.served);
    }
    cv_.notify_all();
  }
}

}  // namespace gpulet::plugin

// FakeHandoffApi: an in-memory HandoffApi for the hand-off tests — records
// every patch, applies it to its own annotation maps, serves a scripted
// pod list, and fails calls on demand.
//
// Test-only; thread-safe.
#ifndef GPULET_PLUGIN_TESTING_FAKE_HANDOFF_API_H_
#define GPULET_PLUGIN_TESTING_FAKE_HANDOFF_API_H_

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "plugin/handoff_api.h"

namespace gpulet::plugin::testing {

class FakeHandoffApi final : public HandoffApi {
 public:
  struct Call {
    std::string target;  // "node/<name>" or "pod/<ns>/<name>"
    AnnotationPatch patch;
  };

  // HandoffApi
  absl::Status PatchNodeAnnotations(std::string_view node, const AnnotationPatch& patch) override {
    return Record(absl::StrCat("node/", std::string(node)), patch);
  }
  absl::Status PatchPodAnnotations(std::string_view ns, std::string_view name,
                                   const AnnotationPatch& patch) override {
    return Record(absl::StrCat("pod/", std::string(ns), "/", std::string(name)), patch);
  }
  absl::StatusOr<std::vector<nlohmann::json>> ListNodePods(std::string_view) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++lists_;
    if (!fail_.ok()) return fail_;
    return pods_;
  }

  // Every later call fails with `status` until it is OK again.
  void Fail(absl::Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_ = std::move(status);
  }
  void SetPods(std::vector<nlohmann::json> pods) {
    std::lock_guard<std::mutex> lock(mu_);
    pods_ = std::move(pods);
  }
  std::vector<Call> calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  int attempts() const {
    std::lock_guard<std::mutex> lock(mu_);
    return attempts_;
  }
  int lists() const {
    std::lock_guard<std::mutex> lock(mu_);
    return lists_;
  }
  // The annotations of `target` after every successful patch.
  std::map<std::string, std::string> annotations(const std::string& target) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = annotations_.find(target);
    return it == annotations_.end() ? std::map<std::string, std::string>{} : it->second;
  }
  // Waits until `count` calls succeeded.
  bool WaitForCalls(size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return calls_.size() >= count; });
  }

 private:
  absl::Status Record(std::string target, const AnnotationPatch& patch) {
    std::lock_guard<std::mutex> lock(mu_);
    ++attempts_;
    if (!fail_.ok()) return fail_;
    for (const auto& [key, value] : patch) {
      if (value.has_value()) {
        annotations_[target][key] = *value;
      } else {
        annotations_[target].erase(key);
      }
    }
    calls_.push_back({std::move(target), patch});
    cv_.notify_all();
    return absl::OkStatus();
  }

  mutable std::mutex mu_;
  std::condition_variable cv_;
  absl::Status fail_;
  std::vector<Call> calls_;
  int attempts_ = 0;
  int lists_ = 0;
  std::vector<nlohmann::json> pods_;
  std::map<std::string, std::map<std::string, std::string>> annotations_;
};

}  // namespace gpulet::plugin::testing

#endif  // GPULET_PLUGIN_TESTING_FAKE_HANDOFF_API_H_

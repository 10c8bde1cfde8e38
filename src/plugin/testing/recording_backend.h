// RecordingBackend: a ResourceBackend for the hand-off tests that answers
// NVIDIA_VISIBLE_DEVICES=<the IDs it was given> and records every call; it
// can be told to refuse IDs.
//
// Test-only; thread-safe.
#ifndef GPULET_PLUGIN_TESTING_RECORDING_BACKEND_H_
#define GPULET_PLUGIN_TESTING_RECORDING_BACKEND_H_

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "plugin/resource_backend.h"

namespace gpulet::plugin::testing {

class RecordingBackend final : public ResourceBackend {
 public:
  absl::StatusOr<v1beta1::ContainerAllocateResponse> Allocate(
      const std::vector<std::string>& device_ids) const override {
    std::lock_guard<std::mutex> lock(mu_);
    allocations_.push_back(device_ids);
    for (const std::string& id : device_ids) {
      if (refused_.contains(id)) return absl::InvalidArgumentError("refused " + id);
    }
    v1beta1::ContainerAllocateResponse response;
    (*response.mutable_envs())["NVIDIA_VISIBLE_DEVICES"] = absl::StrJoin(device_ids, ",");
    return response;
  }
  absl::StatusOr<std::vector<std::string>> PreferredAllocation(
      const std::vector<std::string>& available, const std::vector<std::string>&,
      int size) const override {
    std::lock_guard<std::mutex> lock(mu_);
    ++preferred_calls_;
    return std::vector<std::string>(available.begin(), available.begin() + size);
  }

  void Refuse(std::string id) {
    std::lock_guard<std::mutex> lock(mu_);
    refused_.insert(std::move(id));
  }
  std::vector<std::vector<std::string>> allocations() const {
    std::lock_guard<std::mutex> lock(mu_);
    return allocations_;
  }
  int preferred_calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return preferred_calls_;
  }

 private:
  mutable std::mutex mu_;
  mutable std::vector<std::vector<std::string>> allocations_;
  mutable int preferred_calls_ = 0;
  std::set<std::string> refused_;
};

}  // namespace gpulet::plugin::testing

#endif  // GPULET_PLUGIN_TESTING_RECORDING_BACKEND_H_

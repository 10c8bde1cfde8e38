// FakeBackend: a ResourceBackend with a fixed device list, for plugin tests
// that need no NVML: Allocate answers NVIDIA_VISIBLE_DEVICES with the
// requested IDs and rejects IDs it does not know; PreferredAllocation takes
// must_include, then the available IDs in order.
//
// Immutable; thread-safe.
#ifndef GPULET_TESTS_PLUGIN_FAKE_BACKEND_H_
#define GPULET_TESTS_PLUGIN_FAKE_BACKEND_H_

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "plugin/resource_backend.h"
#include "plugin/resource_snapshot.h"

namespace gpulet::testing {

class FakeBackend final : public plugin::ResourceBackend {
 public:
  explicit FakeBackend(std::vector<std::string> ids) : ids_(std::move(ids)) {}

  absl::StatusOr<v1beta1::ContainerAllocateResponse> Allocate(
      const std::vector<std::string>& device_ids) const override {
    for (const std::string& id : device_ids) {
      if (std::find(ids_.begin(), ids_.end(), id) == ids_.end()) {
        return absl::InvalidArgumentError(absl::StrCat("unknown device: ", id));
      }
    }
    v1beta1::ContainerAllocateResponse response;
    (*response.mutable_envs())["NVIDIA_VISIBLE_DEVICES"] = absl::StrJoin(device_ids, ",");
    return response;
  }

  absl::StatusOr<std::vector<std::string>> PreferredAllocation(
      const std::vector<std::string>& available, const std::vector<std::string>& must_include,
      int size) const override {
    std::vector<std::string> out = must_include;
    for (const std::string& id : available) {
      if (static_cast<int>(out.size()) >= size) break;
      if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
    }
    if (static_cast<int>(out.size()) < size) {
      return absl::InvalidArgumentError("not enough devices");
    }
    return out;
  }

  // Every ID as a healthy device on NUMA node 0.
  std::vector<plugin::AdvertisedDevice> Devices() const {
    std::vector<plugin::AdvertisedDevice> out;
    for (const std::string& id : ids_) out.push_back({id, true, 0});
    return out;
  }

 private:
  std::vector<std::string> ids_;
};

}  // namespace gpulet::testing

#endif  // GPULET_TESTS_PLUGIN_FAKE_BACKEND_H_

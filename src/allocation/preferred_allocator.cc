#include "allocation/preferred_allocator.h"

#include <algorithm>
#include <map>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "allocation/gpu_set_search.h"
#include "base/absl_string_view.h"
#include "base/status_macros.h"

namespace gpulet::allocation {
namespace {

using resources::Device;

// The devices named by `ids`, in order; InvalidArgument naming those that
// are not of the resource or repeated.
absl::StatusOr<std::vector<const Device*>> Lookup(
    const resources::ResourceSet& set, const std::vector<std::string>& ids,
    std::string_view what) {
  std::vector<const Device*> devices;
  std::vector<std::string> unknown;
  absl::flat_hash_set<std::string> seen;
  for (const std::string& id : ids) {
    const Device* device = set.Find(id);
    if (device == nullptr || !seen.insert(id).second) {
      unknown.push_back(id);
      continue;
    }
    devices.push_back(device);
  }
  if (!unknown.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "preferred allocation for \"", set.name().ToString(), "\": ",
        AsAbsl(what), " device IDs unknown or repeated: ",
        absl::StrJoin(unknown, ", ")));
  }
  return devices;
}

}  // namespace

absl::StatusOr<SharedAllocationPolicy> ParseSharedAllocationPolicy(
    std::string_view text) {
  if (text == "distributed") return SharedAllocationPolicy::kDistributed;
  if (text == "packed") return SharedAllocationPolicy::kPacked;
  return absl::InvalidArgumentError(absl::StrCat(
      "--shared-devices-allocation-policy: unknown policy \"", AsAbsl(text),
      "\" (want distributed or packed)"));
}

PreferredAllocator::PreferredAllocator(
    std::shared_ptr<const resources::ResourceSet> set, Topology topology,
    SharedAllocationPolicy policy)
    : set_(std::move(set)), topology_(std::move(topology)), policy_(policy) {
  whole_gpus_ = std::all_of(set_->devices().begin(), set_->devices().end(),
                            [this](const Device& d) {
                              return !d.is_mig() && d.replicas == 1 &&
                                     static_cast<int>(d.gpu_index) < topology_.gpu_count();
                            });
}

absl::StatusOr<std::vector<std::string>> PreferredAllocator::Preferred(
    const std::vector<std::string>& available,
    const std::vector<std::string>& must_include, int size) const {
  ASSIGN_OR_RETURN(std::vector<const Device*> avail,
                   Lookup(*set_, available, "available"));
  ASSIGN_OR_RETURN(std::vector<const Device*> required,
                   Lookup(*set_, must_include, "must-include"));
  for (const Device* device : required) {
    if (std::find(avail.begin(), avail.end(), device) == avail.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "preferred allocation for \"", set_->name().ToString(),
          "\": must-include device ", device->id.ToString(), " is not available"));
    }
  }
  if (size < static_cast<int>(required.size()) ||
      size > static_cast<int>(avail.size())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "preferred allocation for \"", set_->name().ToString(), "\": size ", size,
        " must be between the ", required.size(), " must-include and the ",
        avail.size(), " available devices"));
  }
  if (whole_gpus_) return PreferredGpus(avail, required, size);
  return PreferredShared(avail, required, size);
}

absl::StatusOr<std::vector<std::string>> PreferredAllocator::PreferredGpus(
    const std::vector<const Device*>& available,
    const std::vector<const Device*>& required, int size) const {
  std::map<int, const Device*> by_gpu;
  std::vector<int> avail, req;
  for (const Device* d : available) {
    by_gpu[d->gpu_index] = d;
    avail.push_back(static_cast<int>(d->gpu_index));
  }
  for (const Device* d : required) req.push_back(static_cast<int>(d->gpu_index));
  ASSIGN_OR_RETURN(std::vector<int> best, BestGpuSet(topology_, avail, req, size));
  std::vector<std::string> ids;
  for (int gpu : best) ids.push_back(by_gpu[gpu]->id.ToString());
  return ids;
}

std::vector<std::string> PreferredAllocator::PreferredShared(
    const std::vector<const Device*>& available,
    const std::vector<const Device*>& required, int size) const {
  // Per physical GPU: devices in use (in the set but not available), and
  // per underlying device: how many this request already took.
  std::map<std::string, int> used;
  for (const Device& d : set_->devices()) ++used[d.gpu_uuid];
  for (const Device* d : available) --used[d->gpu_uuid];
  std::map<std::string, int> taken;
  std::vector<std::string> ids;
  for (const Device* d : required) {
    ids.push_back(d->id.ToString());
    ++used[d->gpu_uuid];
    ++taken[d->id.uuid()];
  }
  std::vector<const Device*> candidates;
  for (const Device* d : available) {
    if (std::find(required.begin(), required.end(), d) == required.end()) {
      candidates.push_back(d);
    }
  }
  const int sign = policy_ == SharedAllocationPolicy::kDistributed ? 1 : -1;
  while (static_cast<int>(ids.size()) < size) {
    // distributed: the least used GPU first; packed: the most used. Either
    // way a device not yet taken by this request beats another replica of
    // one that is; then set order.
    auto best = std::min_element(
        candidates.begin(), candidates.end(), [&](const Device* a, const Device* b) {
          auto key = [&](const Device* d) {
            return std::make_tuple(sign * used[d->gpu_uuid], taken[d->id.uuid()],
                                   d - set_->devices().data());
          };
          return key(a) < key(b);
        });
    const Device* pick = *best;
    candidates.erase(best);
    ids.push_back(pick->id.ToString());
    ++used[pick->gpu_uuid];
    ++taken[pick->id.uuid()];
  }
  return ids;
}

}  // namespace gpulet::allocation

// GroupKey names one gang: the PodGroup object (or gpulet annotation group)
// its pods belong to. The source says which API owns the object, because a
// Volcano PodGroup and a scheduler-plugins PodGroup may share a name.
//
// A small value type; thread-compatible.
#ifndef GPULET_GANG_GROUP_KEY_H_
#define GPULET_GANG_GROUP_KEY_H_

#include <compare>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"

namespace gpulet::gang {

enum class GroupSource {
  kVolcano,           // scheduling.volcano.sh/v1beta1 PodGroup
  kSchedulerPlugins,  // scheduling.x-k8s.io/v1alpha1 PodGroup (coscheduling)
  kGpulet,            // gpulet.io/group annotations; no object
};

inline std::string_view GroupSourceName(GroupSource source) {
  switch (source) {
    case GroupSource::kVolcano:
      return "volcano";
    case GroupSource::kSchedulerPlugins:
      return "scheduler-plugins";
    case GroupSource::kGpulet:
      return "gpulet";
  }
  return "unknown";
}

struct GroupKey {
  GroupSource source = GroupSource::kGpulet;
  std::string namespace_name;
  std::string name;

  // "namespace/name", as operators and events name the group.
  std::string ToString() const { return absl::StrCat(namespace_name, "/", name); }

  friend auto operator<=>(const GroupKey&, const GroupKey&) = default;
  friend bool operator==(const GroupKey&, const GroupKey&) = default;

  template <typename H>
  friend H AbslHashValue(H h, const GroupKey& key) {
    return H::combine(std::move(h), key.source, key.namespace_name, key.name);
  }
};

}  // namespace gpulet::gang

#endif  // GPULET_GANG_GROUP_KEY_H_

// PodMembership: which gang and queue a pod says it belongs to, read from
// the keys Volcano, scheduler-plugins and gpulet use (docs/gangs.md):
//   annotation scheduling.k8s.io/group-name      Volcano PodGroup
//   label      scheduling.x-k8s.io/pod-group     scheduler-plugins PodGroup
//   annotation gpulet.io/group (+ gpulet.io/group-min-member)
//   annotation gpulet.io/queue, else scheduling.volcano.sh/queue-name
//
// A small value type and a stateless parser; thread-compatible.
#ifndef GPULET_GANG_POD_MEMBERSHIP_H_
#define GPULET_GANG_POD_MEMBERSHIP_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "gang/group_key.h"
#include "nlohmann/json.hpp"

namespace gpulet::gang {

inline constexpr int kMaxMinMember = 10000;

struct PodMembership {
  std::optional<GroupKey> group;  // nullopt: the pod is in no group
  int min_member = 0;             // gpulet.io groups only; CRD groups say theirs
  std::string queue;              // the pod's own queue key; "" when none
  int32_t priority = 0;           // spec.priority
};

// InvalidArgument when the pod names two different groups, when
// gpulet.io/group-min-member is missing, not a whole number or outside
// 1..kMaxMinMember, or when a group or queue name is not a Kubernetes
// object name.
absl::StatusOr<PodMembership> ReadPodMembership(const nlohmann::json& pod);

}  // namespace gpulet::gang

#endif  // GPULET_GANG_POD_MEMBERSHIP_H_

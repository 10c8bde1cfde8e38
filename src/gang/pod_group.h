// PodGroupSpec: what gpulet needs of a gang's PodGroup object — Volcano's
// (scheduling.volcano.sh/v1beta1) or scheduler-plugins' coscheduling one
// (scheduling.x-k8s.io/v1alpha1) — or of a gpulet.io/group annotation group.
//
// A small value type and stateless parsers; thread-compatible.
#ifndef GPULET_GANG_POD_GROUP_H_
#define GPULET_GANG_POD_GROUP_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "gang/group_key.h"
#include "gang/pod_membership.h"
#include "gang/resource_amounts.h"
#include "nlohmann/json.hpp"

namespace gpulet::gang {

struct PodGroupSpec {
  GroupKey key;
  std::string uid;
  int min_member = 1;
  ResourceLimits min_resources;  // read for the record; placement plans pods
  std::string queue;             // Volcano: "default" when unset; else ""
  std::string priority_class_name;
  std::optional<int64_t> schedule_timeout_seconds;  // scheduler-plugins only
};

// Reads a PodGroup of `source` (kVolcano or kSchedulerPlugins).
// InvalidArgument, naming the field, for a missing name or namespace, a
// minMember that is not a whole number in 0..kMaxMinMember (0 reads as 1,
// as both projects treat it), a malformed minResources, a queue that is
// not a string or a scheduleTimeoutSeconds that is not positive.
absl::StatusOr<PodGroupSpec> ParsePodGroup(GroupSource source,
                                           const nlohmann::json& object);

// The group a gpulet.io/group pod describes by its annotations.
// `membership.group` must be set.
PodGroupSpec GpuletGroupSpec(const PodMembership& membership);

}  // namespace gpulet::gang

#endif  // GPULET_GANG_POD_GROUP_H_

// What gpulet writes back about gangs and queues: a PodGroup's status in
// the form its own project writes it (Volcano: phase, counts and an
// Unschedulable condition by full update; scheduler-plugins: phase, counts
// and scheduleStartTime by merge patch of /status), a Queue's
// status.allocated, an Event when a group's reason to wait changes, and
// the API paths of those objects.
//
// Stateless functions; thread-safe.
#ifndef GPULET_GANG_GROUP_STATUS_H_
#define GPULET_GANG_GROUP_STATUS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gang/group_key.h"
#include "gang/pod_group.h"
#include "gang/resource_amounts.h"
#include "nlohmann/json.hpp"

namespace gpulet::gang {

enum class GroupState {
  kWaiting,     // not placed: reason says why
  kScheduling,  // planned; members are being bound
  kRunning,     // minMember bound
  kFinished,    // minMember succeeded, none left
  kFailed,      // members failed, none left
};

struct GroupObservation {
  GroupState state = GroupState::kWaiting;
  int running = 0;
  int succeeded = 0;
  int failed = 0;
  std::string reason;   // kWaiting: e.g. NotEnoughResources
  std::string message;  // kWaiting: what is missing, for operators
  int64_t now_unix = 0;
};

// `object` (a Volcano PodGroup) with its status set from `observation`,
// for a PUT; nullopt when the status would not change or `object` is not
// an object. Conditions of
// other types are kept; a condition whose type, status, reason and message
// are unchanged keeps its time.
std::optional<nlohmann::json> VolcanoStatusUpdate(const nlohmann::json& object,
                                                  const GroupObservation& observation);

// A merge patch of a scheduler-plugins PodGroup's /status from
// `observation`; nullopt when nothing would change or `object` is not an
// object.
std::optional<nlohmann::json> SchedulerPluginsStatusPatch(
    const nlohmann::json& object, const GroupObservation& observation);

// A merge patch of a Volcano Queue's /status setting status.allocated to
// `allocated`, removing resources that dropped to none.
nlohmann::json QueueAllocatedPatch(const ResourceAmounts& allocated);

// A core/v1 Event of `type` ("Warning", "Normal") about `involved_object`
// (the PodGroup, or a member pod), from gpulet-scheduler-extender.
nlohmann::json GroupEvent(const PodGroupSpec& spec,
                          const nlohmann::json& involved_object,
                          std::string_view type, std::string_view reason,
                          std::string_view message, int64_t now_unix);

// API paths. PodGroupPath is "" for gpulet.io groups, which have no object.
std::string PodGroupPath(const GroupKey& key);
std::string PodGroupCollectionPath(GroupSource source);
std::string QueuePath(std::string_view name);
inline constexpr std::string_view kQueueCollectionPath =
    "/apis/scheduling.volcano.sh/v1beta1/queues";

}  // namespace gpulet::gang

#endif  // GPULET_GANG_GROUP_STATUS_H_

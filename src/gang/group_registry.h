// GroupRegistry: the PodGroups and Queues gpulet knows, fed by the API
// server's watches (Volcano and scheduler-plugins PodGroups, Volcano
// Queues) and by the --queues file. It answers the extender's questions:
// what group is this pod in, which queue, what may that queue take.
//
// Thread-safe: watch threads feed it while /filter and /bind read it.
#ifndef GPULET_GANG_GROUP_REGISTRY_H_
#define GPULET_GANG_GROUP_REGISTRY_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "gang/group_key.h"
#include "gang/pod_group.h"
#include "gang/pod_membership.h"
#include "gang/queue_spec.h"
#include "nlohmann/json.hpp"

namespace gpulet::gang {

class GroupRegistry {
 public:
  GroupRegistry() = default;
  GroupRegistry(const GroupRegistry&) = delete;
  GroupRegistry& operator=(const GroupRegistry&) = delete;

  // A watch event ("ADDED", "MODIFIED", "DELETED") of a PodGroup of
  // `source`. A PodGroup that does not parse is forgotten, with one warning
  // naming it and the cause: its pods wait rather than run under a
  // misread minMember.
  void OnPodGroupEvent(GroupSource source, std::string_view type,
                       const nlohmann::json& object);
  // A watch event of a Volcano Queue; a malformed one is forgotten, with a
  // warning.
  void OnQueueEvent(std::string_view type, const nlohmann::json& object);
  // The --queues file's queues. A Volcano Queue of the same name wins.
  void SetConfiguredQueues(std::vector<QueueSpec> queues);

  // The group `membership` names: its PodGroup's spec, or the spec its
  // gpulet.io annotations describe. NotFound when the PodGroup has not been
  // seen (yet); InvalidArgument when the pod is in no group.
  absl::StatusOr<PodGroupSpec> ResolveGroup(const PodMembership& membership) const;
  // The PodGroup object last seen, for writing its status back.
  std::optional<nlohmann::json> GroupObject(const GroupKey& key) const;

  std::optional<QueueSpec> FindQueue(std::string_view name) const;
  // Every queue, sorted by name.
  std::vector<QueueSpec> Queues() const;
  // True once any queue is defined: queues are then enforced.
  bool queues_in_use() const;

  // Bumped on every event and queue change, so that readers can cache what
  // they derive (a pod's queue follows its PodGroup).
  uint64_t generation() const { return generation_.load(); }

 private:
  struct Known {
    PodGroupSpec spec;
    nlohmann::json object;
  };

  // std::mutex rather than absl::Mutex: Debian's abseil is not built with
  // ThreadSanitizer, which then cannot see absl::Mutex's synchronisation.
  mutable std::mutex mu_;
  std::atomic<uint64_t> generation_{0};
  std::map<GroupKey, Known> groups_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, QueueSpec, std::less<>> watched_queues_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, QueueSpec, std::less<>> configured_queues_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gpulet::gang

#endif  // GPULET_GANG_GROUP_REGISTRY_H_

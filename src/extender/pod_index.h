// PodIndex: the GPU pods the pod watch shows that have not finished, by
// UID, with what gang scheduling and queues need of each: its group, its
// queue annotation, its demand and whether it is bound. Gang planning reads
// a group's pending members here (they have not reached /filter yet), and
// queue fairness reads every queue's pending demand. Finished members are
// counted per group (succeeded, failed) for the PodGroup status.
//
// Thread-safe.
#ifndef GPULET_EXTENDER_POD_INDEX_H_
#define GPULET_EXTENDER_POD_INDEX_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "extender/pod_demand.h"
#include "gang/group_key.h"
#include "gang/pod_membership.h"

namespace gpulet::extender {

struct IndexedPod {
  PodDemand demand;  // uid, name and namespace inside
  gang::PodMembership membership;
  std::string node;  // "" while pending
  std::string creation;  // metadata.creationTimestamp (RFC 3339 sorts)
};

// A group's members as the watch shows them.
struct GroupMembers {
  std::vector<IndexedPod> pending;  // oldest first, then by name
  int bound = 0;
  int succeeded = 0;
  int failed = 0;
};

class PodIndex {
 public:
  // A pod watch event (type ADDED, MODIFIED or DELETED). Pods without a GPU
  // or with a malformed demand or membership are not indexed.
  void OnPodEvent(std::string_view type, const nlohmann::json& pod);

  GroupMembers Members(const gang::GroupKey& key) const;

  // Pending pods in no group with this queue annotation, and pending pods
  // of any group, for queue demand; see Pending.
  std::vector<IndexedPod> Pending() const;

  // Whether pod `uid` is indexed and not bound: a cached view of Pending
  // may hold pods deleted or bound since.
  bool IsPending(const std::string& uid) const;

  // Groups with at least one member seen, sorted.
  std::vector<gang::GroupKey> Groups() const;

  // Bumped on every change, so readers can cache what they derive.
  uint64_t generation() const;

 private:
  struct Finished {
    absl::flat_hash_set<std::string> succeeded, failed;
  };
  void RemoveLocked(const std::string& uid) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable std::mutex mu_;
  absl::flat_hash_map<std::string, IndexedPod> pods_ ABSL_GUARDED_BY(mu_);
  std::map<gang::GroupKey, absl::flat_hash_set<std::string>> by_group_
      ABSL_GUARDED_BY(mu_);
  std::map<gang::GroupKey, Finished> finished_ ABSL_GUARDED_BY(mu_);
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace gpulet::extender

#endif  // GPULET_EXTENDER_POD_INDEX_H_

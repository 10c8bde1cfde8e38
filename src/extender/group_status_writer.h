// GroupStatusWriter: tells the API server what gang scheduling knows, so
// `kubectl get podgroup` and `kubectl describe` show it as Volcano's and
// scheduler-plugins' controllers would:
//   * each PodGroup's status — phase, running/succeeded/failed members and,
//     for Volcano, the Unschedulable condition with the reason the group
//     waits — Volcano's with a plain update (its CRD has no status
//     subresource), scheduler-plugins' through /status;
//   * an Event on the group (its PodGroup, or its first member pod for
//     gpulet's annotation groups) each time the reason it waits changes;
//   * each Volcano Queue's status.allocated.
// Write runs from the extender's once-a-second sweeper and sends only what
// changed; a failed write is retried on the next sweep.
//
// Not thread-safe: one caller (the sweeper).
#ifndef GPULET_EXTENDER_GROUP_STATUS_WRITER_H_
#define GPULET_EXTENDER_GROUP_STATUS_WRITER_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "extender/cluster_api.h"
#include "extender/extender.h"
#include "gang/group_key.h"
#include "gang/resource_amounts.h"

namespace gpulet::extender {

class GroupStatusWriter {
 public:
  // Both must outlive the writer.
  GroupStatusWriter(Extender* extender, ClusterApi* api)
      : extender_(extender), api_(api) {}

  // Writes what changed; returns how many writes were sent.
  int Write(int64_t now_unix);

 private:
  int WriteGroup(const gang::GroupKey& key, const GroupBook::Note& note,
                 int64_t now_unix);
  int WriteQueues();

  Extender* const extender_;
  ClusterApi* const api_;
  std::map<gang::GroupKey, uint64_t> evented_;  // Note::changes last told
  std::map<std::string, gang::ResourceAmounts> allocated_;  // last written
  std::set<std::string> not_crd_;  // queues from --queues: nothing to write
};

}  // namespace gpulet::extender

#endif  // GPULET_EXTENDER_GROUP_STATUS_WRITER_H_

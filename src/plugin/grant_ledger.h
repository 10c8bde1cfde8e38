// GrantLedger: the one owner of the scheduler hand-off's find-and-consume
// step. It holds the pending pods of this node (PendingPod, fed by the pod
// watcher) and how many containers of each the plugin has served, and hands
// each container grant out exactly once.
//
// Claim() picks the oldest pending pod (decision time, then creation time,
// then namespace/name) whose next unserved container grant has `count` GPUs
// and `fits` the resource being allocated, and marks it served in the same
// critical section, so two concurrent Allocates never consume one grant.
// The served count of a pod is the larger of the ledger's and the pod's
// gpulet.io/allocated-containers annotation, so a pod the API server has
// not caught up on is never served twice, and a restarted plugin continues
// where the annotation says.
//
// Thread-safe: every method may be called from any thread (gRPC threads
// claim, the watcher thread updates).
#ifndef GPULET_PLUGIN_GRANT_LEDGER_H_
#define GPULET_PLUGIN_GRANT_LEDGER_H_

#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "handoff/pod_decision.h"
#include "plugin/pending_pod.h"

namespace gpulet::plugin {

// One container grant handed out to one Allocate.
struct GrantClaim {
  std::string ns;
  std::string name;
  std::string uid;
  size_t container = 0;   // index into the decision's containers
  size_t containers = 0;  // how many the decision has
  handoff::ContainerGrant grant;

  bool last() const { return container + 1 == containers; }
  std::string Key() const { return ns + "/" + name; }
};

// Whether a grant's GPUs can be served by the resource at hand.
using GrantFits = std::function<bool(const handoff::ContainerGrant&)>;

class GrantLedger {
 public:
  // Replaces every pod (a fresh list). Pods absent from `pods` are
  // forgotten with their served counts.
  void Replace(std::vector<PendingPod> pods) ABSL_LOCKS_EXCLUDED(mu_);
  // Adds or updates one pod (a watch event).
  void Upsert(PendingPod pod) ABSL_LOCKS_EXCLUDED(mu_);
  // Forgets the pod with `uid` (deleted, bound elsewhere, finished).
  void Remove(const std::string& uid) ABSL_LOCKS_EXCLUDED(mu_);

  // Finds and consumes the next matching grant; nullopt when none matches.
  std::optional<GrantClaim> Claim(size_t count, const GrantFits& fits) ABSL_LOCKS_EXCLUDED(mu_);
  // The grant Claim() would hand out now, without consuming it.
  std::optional<handoff::ContainerGrant> Peek(size_t count, const GrantFits& fits) const
      ABSL_LOCKS_EXCLUDED(mu_);
  // Gives a claimed grant back (its Allocate failed): the container is the
  // pod's next unserved one again, unless a later one was served meanwhile.
  void Release(const GrantClaim& claim) ABSL_LOCKS_EXCLUDED(mu_);

  // Pods with at least one unserved container.
  size_t pending() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Entry {
    PendingPod pod;
    size_t served = 0;
  };

  // The entry Claim()/Peek() would use, or null.
  const Entry* Find(size_t count, const GrantFits& fits) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Merge(PendingPod pod) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable std::mutex mu_;
  std::map<std::string, Entry> pods_ ABSL_GUARDED_BY(mu_);  // by uid
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_GRANT_LEDGER_H_

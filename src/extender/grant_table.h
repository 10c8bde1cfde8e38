// GrantTable: every GPU grant the extender knows of, by pod UID — a
// reservation made in /filter (expires unless a /bind confirms it), one
// being bound, or a bound pod's grant (held until a watch event shows the
// pod deleted or finished). Each grant is a committed ledger reservation;
// the table is the only place that releases them, so every release is
// counted (ExtenderMetrics::CountRelease) and none can leak or happen twice.
//
// Thread-safe. Lock order: the table's mutex, then the ledger's.
#ifndef GPULET_EXTENDER_GRANT_TABLE_H_
#define GPULET_EXTENDER_GRANT_TABLE_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "extender/extender_metrics.h"
#include "extender/pod_demand.h"
#include "gang/group_key.h"
#include "gang/resource_amounts.h"
#include "handoff/pod_decision.h"
#include "sched/ledger.h"

namespace gpulet::extender {

enum class GrantState { kReserved, kBinding, kBound };

struct Grant {
  uint64_t ledger_id = 0;
  int node = -1;  // ledger index
  handoff::PodDecision decision;
  PodDemand demand;
  GrantState state = GrantState::kReserved;
  std::chrono::steady_clock::time_point expires;  // kReserved only
  // kBound only: when it was bound, or last found in the API server while
  // not yet watched.
  std::chrono::steady_clock::time_point bound_at;
  // The pod watch has shown this pod since the grant was made. A pod made
  // and deleted while the watch was down never shows there (its relist
  // reports only pods it had reported before), so its grant must be
  // checked against the API server instead (Extender::ReleaseExpired).
  bool watched = false;
  // The queue whose share the grant counts against ("" none).
  std::string queue;
  // A gang member's group and the GroupBook plan it was reserved by (0:
  // placed alone).
  std::optional<gang::GroupKey> group;
  uint64_t plan = 0;
};

// A bound grant the pod watch never confirmed, to look up.
struct UnwatchedGrant {
  std::string uid;
  std::string namespace_name;
  std::string name;
};

class GrantTable {
 public:
  // Both must outlive the table.
  GrantTable(sched::Ledger* ledger, ExtenderMetrics* metrics)
      : ledger_(ledger), metrics_(metrics) {}

  // Records `grant` (already committed to the ledger) for `uid`. An earlier
  // grant of the same pod is released first (reason "replaced").
  void Put(const std::string& uid, Grant grant);

  // Claims the pod's reservation for binding: a kReserved grant that has not
  // expired at `now` becomes kBinding (the sweeper leaves it alone) and a
  // copy is returned; otherwise nullopt and nothing changes.
  std::optional<Grant> StartBinding(const std::string& uid,
                                    std::chrono::steady_clock::time_point now);

  // The pod was bound at `now`: its grant is held until the pod goes away.
  // False when the pod has no grant (it was released meanwhile).
  bool MarkBound(const std::string& uid,
                 std::chrono::steady_clock::time_point now);

  // The pod watch showed the pod: its grant needs no look-up.
  void MarkWatched(const std::string& uid);
  // The API server still has the pod at `now` but the watch has not shown
  // it: look it up again a grace period from now. Existing is not enough
  // to mark it watched, as a watch that never reported the pod will not
  // report its deletion either.
  void Recheck(const std::string& uid, std::chrono::steady_clock::time_point now);

  // Bound grants not watched and bound before `before`.
  std::vector<UnwatchedGrant> Unwatched(
      std::chrono::steady_clock::time_point before) const;

  // Releases the pod's grant whatever its state. False when it had none.
  bool Release(const std::string& uid, const std::string& reason);

  // Releases a kReserved grant (not one being bound or bound).
  bool ReleaseReserved(const std::string& uid, const std::string& reason);

  // Releases every kReserved grant expired at `now`; returns how many.
  int ReleaseExpired(std::chrono::steady_clock::time_point now);

  std::optional<GrantState> State(const std::string& uid) const;
  // Every grant by pod UID, for consistency checks.
  std::map<std::string, Grant> All() const;
  std::optional<Grant> Get(const std::string& uid) const;
  // What the grants of each queue hold, by queue name.
  std::map<std::string, gang::ResourceAmounts> QueueUsage() const;
  // Grants by state name (reserved, binding, bound), for /metrics.
  std::map<std::string, int64_t> Counts() const;
  int64_t size() const;

 private:
  void ReleaseLocked(
      absl::flat_hash_map<std::string, Grant>::iterator it,
      const std::string& reason) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  sched::Ledger* const ledger_;
  ExtenderMetrics* const metrics_;
  mutable std::mutex mu_;
  absl::flat_hash_map<std::string, Grant> grants_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, gang::ResourceAmounts> queue_usage_ ABSL_GUARDED_BY(mu_);
};

const char* GrantStateName(GrantState state);

}  // namespace gpulet::extender

#endif  // GPULET_EXTENDER_GRANT_TABLE_H_

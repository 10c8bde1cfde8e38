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

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "extender/extender_metrics.h"
#include "extender/pod_demand.h"
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

  // The pod was bound: its grant is held until the pod goes away. False
  // when the pod has no grant (it was released meanwhile).
  bool MarkBound(const std::string& uid);

  // Releases the pod's grant whatever its state. False when it had none.
  bool Release(const std::string& uid, const std::string& reason);

  // Releases a kReserved grant (not one being bound or bound).
  bool ReleaseReserved(const std::string& uid, const std::string& reason);

  // Releases every kReserved grant expired at `now`; returns how many.
  int ReleaseExpired(std::chrono::steady_clock::time_point now);

  std::optional<GrantState> State(const std::string& uid) const;
  std::optional<Grant> Get(const std::string& uid) const;
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
};

const char* GrantStateName(GrantState state);

}  // namespace gpulet::extender

#endif  // GPULET_EXTENDER_GRANT_TABLE_H_

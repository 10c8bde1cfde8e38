// The extender soak's final check: what the extender holds, compared with
// what the API server holds once the faults stopped. Test-only.
#ifndef GPULET_EXTENDER_SOAK_SOAK_CHECK_H_
#define GPULET_EXTENDER_SOAK_SOAK_CHECK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "extender/cluster_model.h"
#include "extender/extender.h"
#include "kube/testing/fake_api_server.h"

namespace gpulet::extender {

inline constexpr int kSoakGpusPerNode = 8;

struct SoakReport {
  int64_t running_pods = 0;        // bound GPU pods not finished, per the API server
  int64_t bound_grants = 0;        // the extender's kBound grants
  int64_t leftover_reservations = 0;  // kReserved or kBinding past the TTL
  int64_t missing_grants = 0;      // running pods the extender does not hold
  int64_t extra_grants = 0;        // grants for pods that are not running
  int64_t over_capacity_gpus = 0;  // GPUs whose pods' decisions exceed one GPU
  int64_t ledger_mismatches = 0;   // GPUs whose ledger share differs from the decisions
  int64_t undecided_pods = 0;      // running pods without a decision for their node
  double settle_seconds = 0;       // until the check passed, or gave up
  std::vector<std::string> examples;  // a few inconsistencies, explained

  int64_t inconsistencies() const {
    return leftover_reservations + missing_grants + extra_grants + over_capacity_gpus +
           ledger_mismatches + undecided_pods;
  }
};

// Releases expired reservations and re-checks until consistent or 20 s
// passed (the watches may still be catching up); returns the last check.
SoakReport SettleAndCheck(const kube::testing::FakeApiServer& api, ClusterModel& model,
                          Extender& extender, const std::vector<std::string>& nodes);

void PrintReport(const SoakReport& report);

}  // namespace gpulet::extender

#endif  // GPULET_EXTENDER_SOAK_SOAK_CHECK_H_

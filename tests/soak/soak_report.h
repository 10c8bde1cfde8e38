// SoakReport: per fault kind, how often it was injected, how often the
// agent came through it, and how long it took to be back to what the soak
// expects (p50/p99 over the samples); printed as the table scripts/soak.sh
// shows and docs/reliability.md records.
//
// Thread-safe: the fault drivers record from their threads.
#ifndef GPULET_TESTS_SOAK_SOAK_REPORT_H_
#define GPULET_TESTS_SOAK_SOAK_REPORT_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"

namespace gpulet::soak {

class SoakReport {
 public:
  // One injection; `recovery` is absent for a fault with nothing to wait
  // for (a benign XID must change nothing).
  void Record(const std::string& kind, bool survived,
              std::optional<std::chrono::milliseconds> recovery);

  bool AllSurvived() const;
  // A Markdown table: fault | injected | survived | recovery p50 | p99.
  std::string FaultTable() const;

 private:
  struct Kind {
    int64_t injected = 0;
    int64_t survived = 0;
    std::vector<int64_t> recovery_ms;
  };
  mutable std::mutex mu_;
  std::map<std::string, Kind> kinds_ ABSL_GUARDED_BY(mu_);
};

// The q-quantile (0..1) of `samples` by the nearest-rank method; 0 when
// there are none.
int64_t Quantile(std::vector<int64_t> samples, double q);

}  // namespace gpulet::soak

#endif  // GPULET_TESTS_SOAK_SOAK_REPORT_H_

// ExtenderMetrics: the scheduler extender's counters and latency histograms,
// rendered as Prometheus text (exposition format 0.0.4):
//
//   gpulet_extender_requests_total{verb,result}   counter  result: ok|error
//   gpulet_extender_decisions_total{verb,outcome} counter  placed|unschedulable|passthrough|bound
//   gpulet_extender_failures_total{verb,reason}   counter
//   gpulet_extender_releases_total{reason}        counter  why a grant was given back
//   gpulet_extender_request_seconds{verb}         histogram
//   gpulet_extender_grants{state}                 gauge    (passed to Render)
//
// Thread-safe: any thread counts; Render takes a consistent copy.
#ifndef GPULET_EXTENDER_EXTENDER_METRICS_H_
#define GPULET_EXTENDER_EXTENDER_METRICS_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"

namespace gpulet::extender {

class ExtenderMetrics {
 public:
  // Upper bounds of the latency buckets, in seconds.
  static constexpr std::array<double, 12> kBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005,
      0.01,   0.025,   0.05,   0.1,   0.5,   2.5};

  void CountRequest(const std::string& verb, bool ok,
                    std::chrono::nanoseconds latency);
  void CountDecision(const std::string& verb, const std::string& outcome);
  void CountFailure(const std::string& verb, const std::string& reason);
  void CountRelease(const std::string& reason);

  // Read back for tests and the report.
  int64_t releases(const std::string& reason) const;
  int64_t failures(const std::string& verb, const std::string& reason) const;
  int64_t decisions(const std::string& verb, const std::string& outcome) const;

  // `grants` maps a grant state (reserved, binding, bound) to its count.
  std::string Render(const std::map<std::string, int64_t>& grants) const;

 private:
  struct Histogram {
    std::array<int64_t, kBuckets.size()> counts{};
    int64_t count = 0;
    double sum = 0;
  };
  using Key = std::pair<std::string, std::string>;

  mutable std::mutex mu_;
  std::map<Key, int64_t> requests_ ABSL_GUARDED_BY(mu_);
  std::map<Key, int64_t> decisions_ ABSL_GUARDED_BY(mu_);
  std::map<Key, int64_t> failures_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> releases_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Histogram> latency_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gpulet::extender

#endif  // GPULET_EXTENDER_EXTENDER_METRICS_H_

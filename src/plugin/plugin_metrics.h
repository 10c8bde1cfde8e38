// PluginMetrics: the counters the device plugin exports at /metrics.
//
// Counters are per resource name and only grow; gauges (devices per health)
// are read from the published snapshots when /metrics is served, so they
// are never stale. One instance per process, owned by the Manager and
// shared with every server.
//
// Thread-safe.
#ifndef GPULET_PLUGIN_PLUGIN_METRICS_H_
#define GPULET_PLUGIN_PLUGIN_METRICS_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"

namespace gpulet::plugin {

struct ResourceCounters {
  uint64_t allocations = 0;          // Allocate container requests served
  uint64_t allocation_errors = 0;    // Allocate container requests refused
  uint64_t preferred_allocations = 0;
  uint64_t registrations = 0;        // successful Register calls
  uint64_t registration_errors = 0;
  uint64_t health_events = 0;        // device health changes published
};

class PluginMetrics {
 public:
  enum class Counter {
    kAllocations,
    kAllocationErrors,
    kPreferredAllocations,
    kRegistrations,
    kRegistrationErrors,
    kHealthEvents,
  };

  void Add(std::string_view resource, Counter counter, uint64_t n = 1)
      ABSL_LOCKS_EXCLUDED(mu_);
  std::map<std::string, ResourceCounters> Counters() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable std::mutex mu_;
  std::map<std::string, ResourceCounters, std::less<>> counters_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_PLUGIN_METRICS_H_

#include "plugin/plugin_metrics.h"

namespace gpulet::plugin {

void PluginMetrics::Add(std::string_view resource, Counter counter, uint64_t n) {
  std::unique_lock<std::mutex> lock(mu_);
  auto it = counters_.find(resource);
  if (it == counters_.end()) it = counters_.emplace(std::string(resource), ResourceCounters{}).first;
  ResourceCounters& c = it->second;
  switch (counter) {
    case Counter::kAllocations: c.allocations += n; break;
    case Counter::kAllocationErrors: c.allocation_errors += n; break;
    case Counter::kPreferredAllocations: c.preferred_allocations += n; break;
    case Counter::kRegistrations: c.registrations += n; break;
    case Counter::kRegistrationErrors: c.registration_errors += n; break;
    case Counter::kHealthEvents: c.health_events += n; break;
  }
}

std::map<std::string, ResourceCounters> PluginMetrics::Counters() const {
  std::unique_lock<std::mutex> lock(mu_);
  return {counters_.begin(), counters_.end()};
}

}  // namespace gpulet::plugin

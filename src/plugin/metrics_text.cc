#include "plugin/metrics_text.h"

#include <cstdint>
#include <functional>

#include "http/prometheus_text.h"

namespace gpulet::plugin {
namespace {

void Counter(std::string& out, const std::map<std::string, ResourceCounters>& counters,
             const std::string& name, const char* help,
             const std::function<uint64_t(const ResourceCounters&)>& field) {
  http::AppendMetricFamily(out, name, "counter", help);
  for (const auto& [resource, c] : counters) {
    http::AppendSample(out, name, {{"resource", resource}}, std::to_string(field(c)));
  }
}

}  // namespace

std::string RenderMetrics(const std::vector<ServedResource>& served,
                          const std::map<std::string, ResourceCounters>& counters) {
  std::string out;
  http::AppendMetricFamily(out, "gpulet_plugin_devices", "gauge",
                           "Devices advertised, by health.");
  for (const ServedResource& r : served) {
    size_t healthy = r.snapshot->HealthyCount();
    size_t unhealthy = r.snapshot->devices.size() - healthy;
    http::AppendSample(out, "gpulet_plugin_devices", {{"resource", r.name}, {"health", "Healthy"}},
                       std::to_string(healthy));
    http::AppendSample(out, "gpulet_plugin_devices",
                       {{"resource", r.name}, {"health", "Unhealthy"}}, std::to_string(unhealthy));
  }
  http::AppendMetricFamily(out, "gpulet_plugin_registered", "gauge",
                           "Whether the kubelet has the resource.");
  for (const ServedResource& r : served) {
    http::AppendSample(out, "gpulet_plugin_registered", {{"resource", r.name}},
                       r.registered ? "1" : "0");
  }
  Counter(out, counters, "gpulet_plugin_allocations_total", "Containers allocated.",
          [](const ResourceCounters& c) { return c.allocations; });
  Counter(out, counters, "gpulet_plugin_allocation_errors_total", "Allocate requests refused.",
          [](const ResourceCounters& c) { return c.allocation_errors; });
  Counter(out, counters, "gpulet_plugin_preferred_allocations_total",
          "GetPreferredAllocation containers answered.",
          [](const ResourceCounters& c) { return c.preferred_allocations; });
  Counter(out, counters, "gpulet_plugin_registrations_total", "Registrations with the kubelet.",
          [](const ResourceCounters& c) { return c.registrations; });
  Counter(out, counters, "gpulet_plugin_registration_errors_total", "Failed registrations.",
          [](const ResourceCounters& c) { return c.registration_errors; });
  Counter(out, counters, "gpulet_plugin_health_events_total", "Device health changes published.",
          [](const ResourceCounters& c) { return c.health_events; });
  return out;
}

}  // namespace gpulet::plugin

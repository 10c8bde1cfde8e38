// The Prometheus text exposition of the device plugin's state: devices per
// resource and health, allocations, registrations and health events.
//
// A pure function over values; thread-safe.
#ifndef GPULET_PLUGIN_METRICS_TEXT_H_
#define GPULET_PLUGIN_METRICS_TEXT_H_

#include <map>
#include <string>
#include <vector>

#include "plugin/manager.h"
#include "plugin/plugin_metrics.h"

namespace gpulet::plugin {

// Metric families, one sample per resource (sorted by name):
//   gpulet_plugin_devices{resource,health}          gauge
//   gpulet_plugin_registered{resource}              gauge (0/1)
//   gpulet_plugin_allocations_total{resource}       counter
//   gpulet_plugin_allocation_errors_total{resource} counter
//   gpulet_plugin_preferred_allocations_total{resource} counter
//   gpulet_plugin_registrations_total{resource}     counter
//   gpulet_plugin_registration_errors_total{resource} counter
//   gpulet_plugin_health_events_total{resource}     counter
std::string RenderMetrics(const std::vector<ServedResource>& served,
                          const std::map<std::string, ResourceCounters>& counters);

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_METRICS_TEXT_H_

#include "plugin/metrics_text.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::plugin {
namespace {

using ::testing::HasSubstr;

TEST(MetricsTextTest, DevicesByHealthAndCountersPerResource) {
  auto snapshot = std::make_shared<const ResourceSnapshot>(
      ResourceSnapshot{3, {{"GPU-a", true, 0}, {"GPU-b", false, 0}}, nullptr});
  PluginMetrics metrics;
  metrics.Add("nvidia.com/gpu", PluginMetrics::Counter::kAllocations, 5);
  metrics.Add("nvidia.com/gpu", PluginMetrics::Counter::kRegistrations);
  metrics.Add("nvidia.com/gpu", PluginMetrics::Counter::kHealthEvents);
  std::string text = RenderMetrics({{"nvidia.com/gpu", snapshot, true}}, metrics.Counters());
  EXPECT_THAT(text, HasSubstr("# TYPE gpulet_plugin_devices gauge\n"));
  EXPECT_THAT(text, HasSubstr("gpulet_plugin_devices{resource=\"nvidia.com/gpu\",health=\"Healthy\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("gpulet_plugin_devices{resource=\"nvidia.com/gpu\",health=\"Unhealthy\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("gpulet_plugin_registered{resource=\"nvidia.com/gpu\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("gpulet_plugin_allocations_total{resource=\"nvidia.com/gpu\"} 5\n"));
  EXPECT_THAT(text, HasSubstr("gpulet_plugin_registrations_total{resource=\"nvidia.com/gpu\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("gpulet_plugin_health_events_total{resource=\"nvidia.com/gpu\"} 1\n"));
}

}  // namespace
}  // namespace gpulet::plugin

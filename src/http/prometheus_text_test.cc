#include "http/prometheus_text.h"

#include "gtest/gtest.h"

namespace gpulet::http {
namespace {

TEST(PrometheusTextTest, WritesFamiliesAndSamples) {
  std::string out;
  AppendMetricFamily(out, "gpulet_x_total", "counter", "Things done.");
  AppendSample(out, "gpulet_x_total", {{"verb", "filter"}, {"result", "ok"}}, "3");
  AppendSample(out, "gpulet_up", {}, "1");
  EXPECT_EQ(out,
            "# HELP gpulet_x_total Things done.\n# TYPE gpulet_x_total counter\n"
            "gpulet_x_total{verb=\"filter\",result=\"ok\"} 3\ngpulet_up 1\n");
}

TEST(PrometheusTextTest, EscapesLabelValues) {
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  std::string out;
  AppendSample(out, "m", {{"reason", "x\"y"}}, "1");
  EXPECT_EQ(out, "m{reason=\"x\\\"y\"} 1\n");
}

}  // namespace
}  // namespace gpulet::http

// Building blocks of the Prometheus text exposition format 0.0.4, shared by
// the device plugin's and the scheduler extender's /metrics renderers.
// Pure functions over strings; thread-safe.
#ifndef GPULET_HTTP_PROMETHEUS_TEXT_H_
#define GPULET_HTTP_PROMETHEUS_TEXT_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace gpulet::http {

// The Content-Type of a text exposition.
inline constexpr char kPrometheusContentType[] = "text/plain; version=0.0.4";

// Appends "# HELP <name> <help>\n# TYPE <name> <type>\n".
void AppendMetricFamily(std::string& out, std::string_view name, std::string_view type,
                        std::string_view help);

// A label value with backslash, double quote and newline escaped, so that
// no value can break the exposition format.
std::string EscapeLabelValue(std::string_view value);

using MetricLabels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// Appends `name{k1="v1",k2="v2"} value\n` (no braces without labels),
// escaping the label values. `value` is already formatted.
void AppendSample(std::string& out, std::string_view name, MetricLabels labels,
                  std::string_view value);

}  // namespace gpulet::http

#endif  // GPULET_HTTP_PROMETHEUS_TEXT_H_

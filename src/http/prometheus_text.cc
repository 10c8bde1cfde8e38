#include "http/prometheus_text.h"

namespace gpulet::http {

void AppendMetricFamily(std::string& out, std::string_view name, std::string_view type,
                        std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '\\' || c == '"') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

void AppendSample(std::string& out, std::string_view name, MetricLabels labels,
                  std::string_view value) {
  out.append(name);
  if (labels.size() != 0) {
    out.push_back('{');
    bool first = true;
    for (const auto& [key, label_value] : labels) {
      if (!first) out.push_back(',');
      first = false;
      out.append(key).append("=\"").append(EscapeLabelValue(label_value)).append("\"");
    }
    out.push_back('}');
  }
  out.append(" ").append(value).append("\n");
}

}  // namespace gpulet::http

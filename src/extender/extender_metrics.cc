#include "extender/extender_metrics.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "http/prometheus_text.h"

namespace gpulet::extender {
namespace {

void PairSamples(std::string& out, const char* name, const char* first,
                 const char* second,
                 const std::map<std::pair<std::string, std::string>, int64_t>&
                     samples) {
  for (const auto& [key, value] : samples) {
    http::AppendSample(out, name, {{first, key.first}, {second, key.second}},
                       std::to_string(value));
  }
}

template <typename Map, typename K>
int64_t Lookup(const Map& map, const K& key) {
  auto it = map.find(key);
  return it == map.end() ? 0 : it->second;
}

}  // namespace

void ExtenderMetrics::CountRequest(const std::string& verb, bool ok,
                                   std::chrono::nanoseconds latency) {
  double seconds = std::chrono::duration<double>(latency).count();
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{verb, ok ? "ok" : "error"}];
  Histogram& histogram = latency_[verb];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++histogram.counts[i];
  }
  ++histogram.count;
  histogram.sum += seconds;
}

void ExtenderMetrics::CountDecision(const std::string& verb,
                                    const std::string& outcome) {
  std::lock_guard<std::mutex> lock(mu_);
  ++decisions_[{verb, outcome}];
}

void ExtenderMetrics::CountFailure(const std::string& verb,
                                   const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  ++failures_[{verb, reason}];
}

void ExtenderMetrics::CountRelease(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  ++releases_[reason];
}

int64_t ExtenderMetrics::releases(const std::string& reason) const {
  std::lock_guard<std::mutex> lock(mu_);
  return Lookup(releases_, reason);
}

int64_t ExtenderMetrics::failures(const std::string& verb,
                                  const std::string& reason) const {
  std::lock_guard<std::mutex> lock(mu_);
  return Lookup(failures_, Key(verb, reason));
}

int64_t ExtenderMetrics::decisions(const std::string& verb,
                                   const std::string& outcome) const {
  std::lock_guard<std::mutex> lock(mu_);
  return Lookup(decisions_, Key(verb, outcome));
}

std::string ExtenderMetrics::Render(
    const std::map<std::string, int64_t>& grants) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  http::AppendMetricFamily(out, "gpulet_extender_requests_total", "counter",
                           "Extender requests by verb and result.");
  PairSamples(out, "gpulet_extender_requests_total", "verb", "result",
              requests_);
  http::AppendMetricFamily(out, "gpulet_extender_decisions_total", "counter",
                           "Scheduling decisions by verb and outcome.");
  PairSamples(out, "gpulet_extender_decisions_total", "verb", "outcome",
              decisions_);
  http::AppendMetricFamily(out, "gpulet_extender_failures_total", "counter",
                           "Failed requests by verb and reason.");
  PairSamples(out, "gpulet_extender_failures_total", "verb", "reason",
              failures_);
  http::AppendMetricFamily(out, "gpulet_extender_releases_total", "counter",
                           "GPU grants given back, by reason.");
  for (const auto& [reason, value] : releases_) {
    http::AppendSample(out, "gpulet_extender_releases_total",
                       {{"reason", reason}}, std::to_string(value));
  }
  http::AppendMetricFamily(out, "gpulet_extender_grants", "gauge",
                           "GPU grants held, by state.");
  for (const auto& [state, value] : grants) {
    http::AppendSample(out, "gpulet_extender_grants", {{"state", state}},
                       std::to_string(value));
  }
  http::AppendMetricFamily(out, "gpulet_extender_request_seconds", "histogram",
                           "Extender request latency in seconds.");
  for (const auto& [verb, histogram] : latency_) {
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      http::AppendSample(out, "gpulet_extender_request_seconds_bucket",
                         {{"verb", verb}, {"le", absl::StrFormat("%g", kBuckets[i])}},
                         std::to_string(histogram.counts[i]));
    }
    http::AppendSample(out, "gpulet_extender_request_seconds_bucket",
                       {{"verb", verb}, {"le", "+Inf"}},
                       std::to_string(histogram.count));
    http::AppendSample(out, "gpulet_extender_request_seconds_sum", {{"verb", verb}},
                       absl::StrFormat("%.9g", histogram.sum));
    http::AppendSample(out, "gpulet_extender_request_seconds_count",
                       {{"verb", verb}}, std::to_string(histogram.count));
  }
  return out;
}

}  // namespace gpulet::extender

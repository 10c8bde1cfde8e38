#include "resource_sampler.h"

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "plugin_process.h"
#include "soak_report.h"

namespace gpulet::soak {

absl::StatusOr<ResourceSample> SampleProcess(pid_t pid) {
  ResourceSample sample;
  absl::StatusOr<size_t> fds = testing::OpenFdCount(pid);
  if (!fds.ok()) return fds.status();
  sample.fds = static_cast<int64_t>(*fds);
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    long kib = 0;
    if (std::sscanf(line.c_str(), "VmRSS: %ld kB", &kib) == 1) sample.rss_kib = kib;
    if (std::sscanf(line.c_str(), "RssAnon: %ld kB", &kib) == 1) sample.anon_kib = kib;
  }
  if (sample.rss_kib == 0) return absl::NotFoundError(absl::StrCat("process ", pid, " is gone"));
  return sample;
}

void ResourceSampler::Add(const ResourceSample& sample, bool baseline_window) {
  all_.push_back(sample);
  if (baseline_window) baseline_.push_back(sample);
}

namespace {

ResourceSample Median(const std::vector<ResourceSample>& samples) {
  auto median = [&](int64_t ResourceSample::*field) {
    std::vector<int64_t> values;
    for (const ResourceSample& s : samples) values.push_back(s.*field);
    return Quantile(values, 0.5);
  };
  return {.fds = median(&ResourceSample::fds), .rss_kib = median(&ResourceSample::rss_kib),
          .anon_kib = median(&ResourceSample::anon_kib)};
}

}  // namespace

ResourceGrowth ResourceSampler::Growth(size_t last) const {
  ResourceGrowth growth;
  growth.baseline = Median(baseline_);
  size_t from = all_.size() > last ? all_.size() - last : 0;
  growth.final = Median(std::vector<ResourceSample>(all_.begin() + from, all_.end()));
  for (const ResourceSample& s : all_) {
    growth.peak.fds = std::max(growth.peak.fds, s.fds);
    growth.peak.rss_kib = std::max(growth.peak.rss_kib, s.rss_kib);
    growth.peak.anon_kib = std::max(growth.peak.anon_kib, s.anon_kib);
  }
  return growth;
}

}  // namespace gpulet::soak

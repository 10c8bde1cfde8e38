#include "soak_report.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace gpulet::soak {

int64_t Quantile(std::vector<int64_t> samples, double q) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(samples.size())));
  return samples[std::clamp<size_t>(rank, 1, samples.size()) - 1];
}

void SoakReport::Record(const std::string& kind, bool survived,
                        std::optional<std::chrono::milliseconds> recovery) {
  std::lock_guard lock(mu_);
  Kind& k = kinds_[kind];
  ++k.injected;
  if (survived) ++k.survived;
  if (survived && recovery.has_value()) k.recovery_ms.push_back(recovery->count());
}

bool SoakReport::AllSurvived() const {
  std::lock_guard lock(mu_);
  for (const auto& [name, kind] : kinds_) {
    if (kind.survived != kind.injected) return false;
  }
  return true;
}

std::string SoakReport::FaultTable() const {
  std::lock_guard lock(mu_);
  std::string out = "| fault | injected | survived | recovery p50 | recovery p99 |\n"
                    "|---|---:|---:|---:|---:|\n";
  for (const auto& [name, kind] : kinds_) {
    std::string p50 = "—", p99 = "—";
    if (!kind.recovery_ms.empty()) {
      p50 = absl::StrCat(Quantile(kind.recovery_ms, 0.5), " ms");
      p99 = absl::StrCat(Quantile(kind.recovery_ms, 0.99), " ms");
    }
    absl::StrAppendFormat(&out, "| %s | %d | %d | %s | %s |\n", name, kind.injected,
                          kind.survived, p50, p99);
  }
  return out;
}

}  // namespace gpulet::soak

// PaperSummary: the FGD artifact's seed-averaged results, read from
// summary_gpu_alloc_ratio_pct_by_arrived_pct.csv (columns workload,
// sc_policy, n_seeds, mean_50..mean_130, std_50..std_130). Immutable once
// parsed; safe to share.
#ifndef GPULET_SCHED_PAPER_SUMMARY_H_
#define GPULET_SCHED_PAPER_SUMMARY_H_

#include <map>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <utility>

#include "absl/status/statusor.h"

namespace gpulet::sched {

struct PaperCell {
  double mean = 0;
  double std = 0;
};

class PaperSummary {
 public:
  // InvalidArgument with file and line for a malformed row or header.
  static absl::StatusOr<PaperSummary> Parse(absl::string_view text,
                                            absl::string_view file);
  static absl::StatusOr<PaperSummary> Load(const std::string& path);

  // `label` is the artifact's ("06-FGD"); `arrival` a multiple of 10.
  std::optional<PaperCell> Find(absl::string_view workload,
                                absl::string_view label, int arrival) const;

 private:
  std::map<std::tuple<std::string, std::string, int>, PaperCell, std::less<>>
      cells_;
};

// The reproduction criterion: |ours - paper| <= max(2 std, 0.5 points).
inline bool WithinTolerance(double ours, const PaperCell& paper) {
  double tolerance = paper.std * 2 > 0.5 ? paper.std * 2 : 0.5;
  double diff = ours - paper.mean;
  return diff <= tolerance && -diff <= tolerance;
}

}  // namespace gpulet::sched

#endif  // GPULET_SCHED_PAPER_SUMMARY_H_

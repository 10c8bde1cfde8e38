// Renders simulation results: a Markdown table (ours side by side with the
// paper's numbers when a PaperSummary is given), a JSON summary, and the
// per-run CSV in the layout of the artifact's analysis_allo_discrete.csv.
// Pure functions; output is deterministic (fixed row and key order).
#ifndef GPULET_SCHED_REPORT_H_
#define GPULET_SCHED_REPORT_H_

#include <span>
#include <string>
#include <vector>

#include "sched/experiment.h"
#include "sched/paper_summary.h"

namespace gpulet::sched {

// The arrival buckets the table and JSON report.
inline constexpr int kReportedArrivals[] = {100, 130};

// One row per (workload, policy): mean ± std at each arrival, and with
// `paper` (may be null) the paper's mean ± std, the difference and whether it
// is within tolerance; ends with a count of cells within tolerance.
std::string FormatTable(const std::vector<PolicySummary>& summaries,
                        const PaperSummary* paper,
                        std::span<const int> arrivals = kReportedArrivals);

// {"results": [{"workload", "policy", "arrival": {"100": {"mean", "std",
// "seeds", ["paper_mean", "paper_std", "within_tolerance"]}}}]}
std::string FormatJson(const std::vector<PolicySummary>& summaries,
                       const PaperSummary* paper,
                       std::span<const int> arrivals = kReportedArrivals);

// workload,sc_policy,tune,seed,total_gpus,0,1,...,max: one row per run.
std::string FormatRunsCsv(const std::vector<TraceWorkload>& workloads,
                          const std::vector<RunOutcome>& outcomes,
                          double tune_ratio, int64_t capacity_milli);

}  // namespace gpulet::sched

#endif  // GPULET_SCHED_REPORT_H_

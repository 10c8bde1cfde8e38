#include "sched/report.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"
#include "sched/policy_factory.h"

namespace gpulet::sched {
namespace {

std::optional<SeedStats> Stats(const PolicySummary& summary, int arrival) {
  if (arrival < 0 || arrival >= static_cast<int>(summary.by_bucket.size()) ||
      summary.by_bucket[arrival].seeds == 0) {
    return std::nullopt;
  }
  return summary.by_bucket[arrival];
}

std::optional<PaperCell> PaperFor(const PaperSummary* paper,
                                  const PolicySummary& summary, int arrival) {
  if (paper == nullptr) return std::nullopt;
  std::string label = PaperPolicyLabel(summary.policy);
  if (label.empty()) return std::nullopt;
  return paper->Find(summary.workload, label, arrival);
}

std::string Header(const PaperSummary* paper, std::span<const int> arrivals) {
  std::string head = "| workload | policy |";
  std::string rule = "| --- | --- |";
  for (int arrival : arrivals) {
    absl::StrAppend(&head, " ours @", arrival, " % |");
    absl::StrAppend(&rule, " ---: |");
    if (paper != nullptr) {
      absl::StrAppend(&head, " paper @", arrival, " % | diff | ok |");
      absl::StrAppend(&rule, " ---: | ---: | :-: |");
    }
  }
  return absl::StrCat(head, "\n", rule, "\n");
}

}  // namespace

std::string FormatTable(const std::vector<PolicySummary>& summaries,
                        const PaperSummary* paper,
                        std::span<const int> arrivals) {
  std::string out = Header(paper, arrivals);
  int compared = 0, within = 0;
  for (const PolicySummary& summary : summaries) {
    absl::StrAppend(&out, "| ", summary.workload, " | ", summary.policy, " |");
    for (int arrival : arrivals) {
      std::optional<SeedStats> ours = Stats(summary, arrival);
      absl::StrAppend(&out, ours ? absl::StrFormat(" %.2f ± %.2f |", ours->mean,
                                                   ours->std)
                                 : std::string(" - |"));
      if (paper == nullptr) continue;
      std::optional<PaperCell> cell = PaperFor(paper, summary, arrival);
      if (!cell || !ours) {
        absl::StrAppend(&out, " - | - | - |");
        continue;
      }
      bool ok = WithinTolerance(ours->mean, *cell);
      ++compared;
      within += ok;
      absl::StrAppend(&out, absl::StrFormat(" %.2f ± %.2f | %+.2f | %s |",
                                            cell->mean, cell->std,
                                            ours->mean - cell->mean,
                                            ok ? "yes" : "**no**"));
    }
    absl::StrAppend(&out, "\n");
  }
  if (compared > 0) {
    absl::StrAppend(&out, "\nWithin tolerance (max(2 std, 0.5 points)): ",
                    within, " of ", compared, " cells.\n");
  }
  return out;
}

std::string FormatJson(const std::vector<PolicySummary>& summaries,
                       const PaperSummary* paper,
                       std::span<const int> arrivals) {
  nlohmann::json results = nlohmann::json::array();
  for (const PolicySummary& summary : summaries) {
    nlohmann::json by_arrival = nlohmann::json::object();
    for (int arrival : arrivals) {
      std::optional<SeedStats> ours = Stats(summary, arrival);
      if (!ours) continue;
      nlohmann::json cell = {
          {"mean", ours->mean}, {"std", ours->std}, {"seeds", ours->seeds}};
      if (std::optional<PaperCell> theirs = PaperFor(paper, summary, arrival)) {
        cell["paper_mean"] = theirs->mean;
        cell["paper_std"] = theirs->std;
        cell["within_tolerance"] = WithinTolerance(ours->mean, *theirs);
      }
      by_arrival[std::to_string(arrival)] = cell;
    }
    results.push_back({{"workload", summary.workload},
                       {"policy", summary.policy},
                       {"arrival", by_arrival}});
  }
  return nlohmann::json{{"results", results}}.dump(2) + "\n";
}

std::string FormatRunsCsv(const std::vector<TraceWorkload>& workloads,
                          const std::vector<RunOutcome>& outcomes,
                          double tune_ratio, int64_t capacity_milli) {
  size_t buckets = 0;
  for (const RunOutcome& outcome : outcomes) {
    buckets = std::max(buckets, outcome.result.allocation_by_bucket.size());
  }
  std::string out = "workload,sc_policy,tune,seed,total_gpus";
  for (size_t k = 0; k < buckets; ++k) absl::StrAppend(&out, ",", k);
  absl::StrAppend(&out, "\n");
  for (const RunOutcome& outcome : outcomes) {
    std::string label = PaperPolicyLabel(outcome.key.policy);
    absl::StrAppend(&out, workloads[outcome.key.workload].name, ",",
                    label.empty() ? outcome.key.policy : label, ",",
                    tune_ratio, ",", outcome.key.seed, ",",
                    capacity_milli / kMilliPerGpu);
    const std::vector<double>& values = outcome.result.allocation_by_bucket;
    for (size_t k = 0; k < buckets; ++k) {
      absl::StrAppend(&out, ",");
      if (k < values.size() && !std::isnan(values[k])) {
        absl::StrAppend(&out, absl::StrFormat("%.4f", values[k]));
      }
    }
    absl::StrAppend(&out, "\n");
  }
  return out;
}

}  // namespace gpulet::sched

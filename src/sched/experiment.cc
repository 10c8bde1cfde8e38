#include "sched/experiment.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <mutex>
#include <thread>


namespace gpulet::sched {
namespace {

// Shared by the worker threads of one RunExperiments call.
class RunQueue {
 public:
  RunQueue(const std::vector<RunKey>& keys, const ExperimentOptions& options)
      : keys_(keys), options_(options), outcomes_(keys.size()),
        statuses_(keys.size()) {}

  // Claims the next run; false when none is left.
  bool Next(size_t& index) {
    index = next_.fetch_add(1);
    return index < keys_.size();
  }
  void Finish(size_t index, absl::StatusOr<SimulationResult> result,
              double seconds) {
    if (result.ok()) {
      outcomes_[index] = {keys_[index], *std::move(result), seconds};
    } else {
      statuses_[index] = result.status();
    }
    std::lock_guard<std::mutex> lock(mu_);
    ++finished_;
    if (options_.progress) {
      options_.progress(finished_, static_cast<int>(keys_.size()));
    }
  }
  absl::StatusOr<std::vector<RunOutcome>> Take() {
    for (const absl::Status& status : statuses_) {
      if (!status.ok()) return status;
    }
    return std::move(outcomes_);
  }

 private:
  const std::vector<RunKey>& keys_;
  const ExperimentOptions& options_;
  std::atomic<size_t> next_{0};
  // Slot i is written only by the thread that claimed run i.
  std::vector<RunOutcome> outcomes_;
  std::vector<absl::Status> statuses_;
  std::mutex mu_;
  int finished_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace

absl::StatusOr<std::vector<RunOutcome>> RunExperiments(
    const TraceCluster& cluster, const std::vector<TraceWorkload>& workloads,
    const std::vector<RunKey>& keys, const ExperimentOptions& options) {
  std::vector<TargetWorkload> oracles;
  for (const TraceWorkload& workload : workloads) {
    oracles.push_back(TargetWorkload::FromPods(workload.pods));
  }
  RunQueue queue(keys, options);
  auto work = [&] {
    size_t i;
    while (queue.Next(i)) {
      const RunKey& key = keys[i];
      auto start = std::chrono::steady_clock::now();
      absl::StatusOr<SimulationResult> result =
          Simulate(cluster, workloads[key.workload], oracles[key.workload],
                   key.policy, {options.tune_ratio, key.seed});
      std::chrono::duration<double> took =
          std::chrono::steady_clock::now() - start;
      queue.Finish(i, std::move(result), took.count());
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < std::max(1, options.threads); ++t) {
    threads.emplace_back(work);
  }
  work();
  for (std::thread& thread : threads) thread.join();
  return queue.Take();
}

std::vector<PolicySummary> Summarize(
    const std::vector<TraceWorkload>& workloads,
    const std::vector<RunOutcome>& outcomes) {
  std::vector<PolicySummary> summaries;
  std::map<std::pair<int, std::string>, std::vector<const RunOutcome*>> groups;
  for (const RunOutcome& outcome : outcomes) {
    auto key = std::pair(outcome.key.workload, outcome.key.policy);
    if (!groups.contains(key)) {
      summaries.push_back(
          {workloads[outcome.key.workload].name, outcome.key.policy, {}});
    }
    groups[key].push_back(&outcome);
  }
  for (PolicySummary& summary : summaries) {
    int workload = 0;
    while (workloads[workload].name != summary.workload) ++workload;
    const auto& runs = groups[{workload, summary.policy}];
    size_t buckets = 0;
    for (const RunOutcome* run : runs) {
      buckets = std::max(buckets, run->result.allocation_by_bucket.size());
    }
    summary.by_bucket.resize(buckets);
    for (size_t k = 0; k < buckets; ++k) {
      SeedStats& stats = summary.by_bucket[k];
      double sum = 0, squares = 0;
      for (const RunOutcome* run : runs) {
        const auto& values = run->result.allocation_by_bucket;
        if (k >= values.size() || std::isnan(values[k])) continue;
        sum += values[k];
        squares += values[k] * values[k];
        ++stats.seeds;
      }
      if (stats.seeds == 0) continue;
      stats.mean = sum / stats.seeds;
      stats.std = std::sqrt(
          std::max(0.0, squares / stats.seeds - stats.mean * stats.mean));
    }
  }
  return summaries;
}

}  // namespace gpulet::sched

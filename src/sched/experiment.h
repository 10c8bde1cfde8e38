// A batch of simulation runs — workloads x policies x seeds — spread over a
// few worker threads, and their statistics over seeds.
//
// RunExperiments is thread-safe to call; inside, each run is a separate
// single-threaded Simulate over shared read-only inputs (cluster, workloads,
// oracle target workloads), so the outcome does not depend on the thread
// count or scheduling.
#ifndef GPULET_SCHED_EXPERIMENT_H_
#define GPULET_SCHED_EXPERIMENT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sched/simulation.h"
#include "sched/trace.h"

namespace gpulet::sched {

struct RunKey {
  int workload = 0;  // index into the workloads
  std::string policy;
  uint64_t seed = 42;
};

struct RunOutcome {
  RunKey key;
  SimulationResult result;
  double seconds = 0;  // wall time of this run
};

// Called after each finished run with (finished, total); calls are
// serialised, from worker threads.
using ProgressCallback = std::function<void(int finished, int total)>;

struct ExperimentOptions {
  int threads = 1;
  double tune_ratio = 1.3;
  ProgressCallback progress;  // may be empty
};

// Runs every key; outcomes are in key order. The first failing run's status
// is returned (e.g. InvalidArgument for an unknown policy name).
absl::StatusOr<std::vector<RunOutcome>> RunExperiments(
    const TraceCluster& cluster, const std::vector<TraceWorkload>& workloads,
    const std::vector<RunKey>& keys, const ExperimentOptions& options);

struct SeedStats {
  double mean = 0;
  double std = 0;  // population standard deviation, as the paper's summary
  int seeds = 0;
};

struct PolicySummary {
  std::string workload;
  std::string policy;
  std::vector<SeedStats> by_bucket;  // index k = arrival k %
};

// Groups outcomes by (workload, policy) in first-seen order and gives mean
// and std over seeds per arrival bucket (NaN buckets are skipped).
std::vector<PolicySummary> Summarize(
    const std::vector<TraceWorkload>& workloads,
    const std::vector<RunOutcome>& outcomes);

}  // namespace gpulet::sched

#endif  // GPULET_SCHED_EXPERIMENT_H_

// The gang/queue simulation: a discrete-event run of a GangWorkload
// (gang_workload.h) on a cluster under one GangScheduler (gang_scheduler.h).
//
// Time is whole seconds. Events are job arrivals and completions; while any
// job waits, a scheduling cycle runs every second (a cycle that would see
// the same state as the last one, which placed nothing, is skipped: it
// could not place anything either). A job starts when every member is
// placed, runs its duration, then frees its GPUs. The run ends when every
// job has finished, or at the cap 2 x last arrival + 24 h (a deadlock).
//
// Metrics. Allocation ratio = GPUs held by placed members / cluster GPUs,
// sampled every simulated minute over the whole run (the series); its mean,
// the queue shares and their deviation are taken over the loaded window
// [0, last arrival], the same window for every policy of one seed. A
// partial gang is a gang that at the end of some cycle held some but not
// all of its members; GPU-seconds held waiting integrates the GPUs such
// members hold. A job never started counts as waiting until the run's end.
//
// Single-threaded and deterministic for a seed; runs share nothing mutable.
#ifndef GPULET_SCHED_GANG_SIMULATION_H_
#define GPULET_SCHED_GANG_SIMULATION_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sched/gang_workload.h"
#include "sched/trace.h"

namespace gpulet::sched {

struct GangQueueResult {
  std::string name;
  double deserved_share = 0;   // mean over the loaded window, 0..1
  double allocated_share = 0;  // mean over the loaded window, 0..1
};

struct GangRunResult {
  int64_t sample_period_s = 60;
  std::vector<double> allocation_series;  // one sample per period, 0..1
  double allocation_ratio_mean = 0;
  int64_t jobs = 0;
  int64_t jobs_started_whole = 0;
  int64_t partial_gangs = 0;
  double gpu_seconds_held_waiting = 0;
  // Mean over samples and queues of |allocated - deserved| share, x 100.
  double queue_share_mad_points = 0;
  std::vector<GangQueueResult> queues;  // in workload queue order
  double wait_p50_s = 0;
  double wait_p99_s = 0;
  int64_t horizon_s = 0;
};

// One run. InvalidArgument for an unknown policy or a cluster without GPUs;
// InternalError if a policy returns an invalid placement.
absl::StatusOr<GangRunResult> SimulateGangs(const TraceCluster& cluster,
                                            const GangWorkload& workload,
                                            absl::string_view policy,
                                            uint64_t seed);

// The mean of several runs (seeds) of one policy: every number averaged;
// the series averaged per sample, a run that ended counting as idle. `runs`
// must not be empty and must share the workload's queues.
GangRunResult MeanGangRuns(std::span<const GangRunResult> runs);

}  // namespace gpulet::sched

#endif  // GPULET_SCHED_GANG_SIMULATION_H_

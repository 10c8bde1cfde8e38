// One run of the FGD paper's trace-replay protocol (docs/scheduler.md §4.4):
// nodes permuted by seed, pods sorted by name then shuffled by seed, the list
// padded by resampling (or thinned) to `tune_ratio` x the cluster's GPU
// capacity, then pods placed one at a time — a pod that fits nowhere is
// dropped, no pod ever leaves. After each pod the GPU allocation ratio is
// recorded in the bucket round(100 * arrived GPU / capacity).
//
// Single-threaded and deterministic for a given seed; separate runs share
// nothing mutable and may run on separate threads.
#ifndef GPULET_SCHED_SIMULATION_H_
#define GPULET_SCHED_SIMULATION_H_

#include <cstdint>
#include <span>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "sched/policy.h"
#include "sched/target_workload.h"
#include "sched/trace.h"

namespace gpulet::sched {

struct SimulationOptions {
  double tune_ratio = 1.3;
  uint64_t seed = 42;
};

struct SimulationResult {
  int64_t arrived_pods = 0;
  int64_t placed_pods = 0;
  int64_t arrived_gpu_milli = 0;
  int64_t allocated_gpu_milli = 0;
  // Index k: mean GPU allocation (% of capacity) while arrived GPU requests
  // were k % of capacity; NaN where no pod arrived in that bucket.
  std::vector<double> allocation_by_bucket;
};

// The arrival order for one seed: `pods` (sorted by name) shuffled, then
// padded or thinned as the artifact does (its padding stops at the first
// sampled pod whose per-GPU share would cross the target).
std::vector<PodRequest> PrepareArrivals(std::span<const PodRequest> pods,
                                        int64_t capacity_milli,
                                        double tune_ratio, Rng& rng);

// Places `arrivals` in order on `nodes` (taken by value: the run's own copy)
// with `policy`. InternalError if the policy returns an invalid placement.
absl::StatusOr<SimulationResult> Replay(std::vector<NodeState> nodes,
                                        std::span<const PodRequest> arrivals,
                                        Policy& policy,
                                        int64_t capacity_milli);

// The whole protocol for one (workload, policy, seed). `oracle` is the FGD
// target workload of `workload` (TargetWorkload::FromPods of its pods).
absl::StatusOr<SimulationResult> Simulate(const TraceCluster& cluster,
                                          const TraceWorkload& workload,
                                          const TargetWorkload& oracle,
                                          absl::string_view policy,
                                          const SimulationOptions& options);

}  // namespace gpulet::sched

#endif  // GPULET_SCHED_SIMULATION_H_

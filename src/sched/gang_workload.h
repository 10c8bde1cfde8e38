// A synthetic batch workload of jobs, gangs and queues for the gang
// simulation (gang_simulation.h). The public Alibaba trace has pods but no
// jobs, so gang behaviour is measured on this documented generator instead:
//
//   * jobs arrive as a Poisson process (exponential gaps) at
//     arrival_rate_per_minute; when that is 0 the rate is derived so that the
//     offered GPU load is `oversubscription` x cluster_gpus;
//   * a job is a gang (all members needed at once, minMember = pods) with
//     probability gang_share, with a pod count uniform in min_pods..max_pods;
//     otherwise it is a single independent pod;
//   * every member of a job asks the same whole GPUs, drawn uniformly from
//     pod_gpus, plus CPU and memory in proportion to its GPUs;
//   * the queue is drawn uniformly (every queue offers the same demand, so
//     the weights alone decide the split), priority 1 with probability
//     high_priority_share, else 0;
//   * durations are lognormal (sigma 1) with mean job_minutes, at least 60 s.
//
// GenerateGangWorkload is a pure function of its options and seed.
// Parse* are free functions over flag text.
#ifndef GPULET_SCHED_GANG_WORKLOAD_H_
#define GPULET_SCHED_GANG_WORKLOAD_H_

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sched/pod_request.h"
#include "sched/trace.h"

namespace gpulet::sched {

struct GangQueue {
  std::string name;
  double weight = 1;
  double capability_gpus = std::numeric_limits<double>::infinity();
};

struct GangJob {
  int queue = 0;
  int priority = 0;
  bool gang = false;  // minMember = pods; false means a single pod
  int pods = 1;
  PodRequest pod;  // what each member asks
  int64_t arrival_s = 0;
  int64_t duration_s = 0;

  int64_t gpus() const { return int64_t{pods} * pod.gpu_count; }
  friend bool operator==(const GangJob&, const GangJob&) = default;
};

struct GangWorkload {
  std::vector<GangQueue> queues;
  std::vector<GangJob> jobs;  // by arrival time, then generation order
};

struct GangWorkloadOptions {
  int jobs = 1000;
  int min_pods = 1;
  int max_pods = 16;
  std::vector<int> pod_gpus = {1, 2, 4, 8};
  double gang_share = 0.7;
  std::vector<GangQueue> queues = {{"research", 3}, {"batch", 1}};
  double arrival_rate_per_minute = 0;  // 0: derived from the two below
  double oversubscription = 1.3;
  int64_t cluster_gpus = 512;
  double job_minutes = 30;
  double high_priority_share = 0.1;
  int64_t cpu_milli_per_gpu = 8000;
  int64_t memory_mib_per_gpu = 64 * 1024;
};

// InvalidArgument naming the flag (--gang-jobs, --job-pods, --pod-gpus,
// --gang-share, --queues, --arrival-rate, --job-minutes,
// --high-priority-share) whose value is out of range.
absl::Status ValidateGangWorkloadOptions(const GangWorkloadOptions& options);

// The Poisson rate actually used: arrival_rate_per_minute, or the rate
// that offers oversubscription x cluster_gpus of GPU load on average.
double EffectiveArrivalRate(const GangWorkloadOptions& options);

// Deterministic per (options, seed). Fails as ValidateGangWorkloadOptions.
absl::StatusOr<GangWorkload> GenerateGangWorkload(
    const GangWorkloadOptions& options, uint64_t seed);

// "research:3,batch:1:16" -> queues with weight and optional capability in
// GPUs. InvalidArgument naming --queues for an empty or duplicate name, a
// non-positive weight or capability, or a malformed entry.
absl::StatusOr<std::vector<GangQueue>> ParseGangQueues(absl::string_view text);

// "1-16" or "4" -> {min, max}; InvalidArgument naming `flag` unless
// 1 <= min <= max <= 64.
absl::StatusOr<std::pair<int, int>> ParsePodRange(absl::string_view text,
                                                  absl::string_view flag);

// "1,2,4,8" -> whole GPU counts each in 1..kMaxGpusPerNode; InvalidArgument
// naming `flag` otherwise.
absl::StatusOr<std::vector<int>> ParseGpuCounts(absl::string_view text,
                                                absl::string_view flag);

// `nodes` identical idle nodes of `gpus_per_node` GPUs of one model, with
// CPU and memory enough for every GPU at the options' per-GPU ratios.
TraceCluster SyntheticGangCluster(int nodes, int gpus_per_node,
                                  const GangWorkloadOptions& options);

}  // namespace gpulet::sched

#endif  // GPULET_SCHED_GANG_WORKLOAD_H_

#include "sched/gang_workload.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "sched/policy.h"

namespace gpulet::sched {
namespace {

// Lognormal spread of durations: sigma 1 gives the long tail batch traces
// show (a few jobs run ~10x the median) while keeping the mean as asked.
constexpr double kDurationSigma = 1.0;
constexpr int64_t kMinDurationS = 60;

absl::Status Bad(absl::string_view flag, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(flag, ": ", why));
}

bool InUnit(double v) { return std::isfinite(v) && v >= 0 && v <= 1; }

double MeanJobGpus(const GangWorkloadOptions& options) {
  double mean_gpus =
      std::accumulate(options.pod_gpus.begin(), options.pod_gpus.end(), 0.0) /
      static_cast<double>(options.pod_gpus.size());
  double mean_pods = (options.min_pods + options.max_pods) / 2.0;
  return mean_gpus *
         (options.gang_share * mean_pods + (1 - options.gang_share));
}

GangJob DrawJob(const GangWorkloadOptions& options, Rng& rng) {
  GangJob job;
  job.queue = static_cast<int>(
      UniformIndex(rng, static_cast<int64_t>(options.queues.size())));
  job.gang = std::bernoulli_distribution(options.gang_share)(rng);
  job.pods = job.gang ? static_cast<int>(std::uniform_int_distribution<int>(
                            options.min_pods, options.max_pods)(rng))
                      : 1;
  int gpus = options.pod_gpus[static_cast<size_t>(
      UniformIndex(rng, static_cast<int64_t>(options.pod_gpus.size())))];
  job.pod =
      PodRequest{options.cpu_milli_per_gpu * gpus,
                 options.memory_mib_per_gpu * gpus, gpus, kMilliPerGpu, 0};
  job.priority =
      std::bernoulli_distribution(options.high_priority_share)(rng) ? 1 : 0;
  double mu =
      std::log(options.job_minutes * 60) - kDurationSigma * kDurationSigma / 2;
  double seconds = std::lognormal_distribution<double>(mu, kDurationSigma)(rng);
  job.duration_s = std::max<int64_t>(kMinDurationS, std::llround(seconds));
  return job;
}

}  // namespace

absl::Status ValidateGangWorkloadOptions(const GangWorkloadOptions& options) {
  if (options.jobs < 1 || options.jobs > 1000000) {
    return Bad("--gang-jobs",
               absl::StrCat("want 1..1000000, got ", options.jobs));
  }
  if (options.min_pods < 1 || options.min_pods > options.max_pods ||
      options.max_pods > 64) {
    return Bad("--job-pods",
               absl::StrCat("want 1 <= min <= max <= 64, got ",
                            options.min_pods, "-", options.max_pods));
  }
  if (options.pod_gpus.empty()) return Bad("--pod-gpus", "empty list");
  for (int g : options.pod_gpus) {
    if (g < 1 || g > kMaxGpusPerNode) {
      return Bad("--pod-gpus", absl::StrCat("GPU count ", g, " not in 1..8"));
    }
  }
  if (!InUnit(options.gang_share)) {
    return Bad("--gang-share",
               absl::StrCat("want 0..1, got ", options.gang_share));
  }
  if (!InUnit(options.high_priority_share)) {
    return Bad("--high-priority-share",
               absl::StrCat("want 0..1, got ", options.high_priority_share));
  }
  if (options.queues.empty()) return Bad("--queues", "no queue");
  if (!std::isfinite(options.arrival_rate_per_minute) ||
      options.arrival_rate_per_minute < 0) {
    return Bad("--arrival-rate", absl::StrCat("want >= 0, got ",
                                              options.arrival_rate_per_minute));
  }
  if (options.arrival_rate_per_minute == 0 &&
      (!(options.oversubscription > 0) || options.cluster_gpus < 1)) {
    return Bad("--arrival-rate", "cannot derive a rate: no cluster GPUs");
  }
  if (!std::isfinite(options.job_minutes) || options.job_minutes <= 0) {
    return Bad("--job-minutes",
               absl::StrCat("want > 0, got ", options.job_minutes));
  }
  return absl::OkStatus();
}

double EffectiveArrivalRate(const GangWorkloadOptions& options) {
  if (options.arrival_rate_per_minute > 0) {
    return options.arrival_rate_per_minute;
  }
  // Little's law: GPUs busy on average = rate x duration x GPUs per job.
  return options.oversubscription * static_cast<double>(options.cluster_gpus) /
         (options.job_minutes * MeanJobGpus(options));
}

absl::StatusOr<GangWorkload> GenerateGangWorkload(
    const GangWorkloadOptions& options, uint64_t seed) {
  if (absl::Status status = ValidateGangWorkloadOptions(options);
      !status.ok()) {
    return status;
  }
  Rng rng(seed);
  std::exponential_distribution<double> gap_minutes(
      EffectiveArrivalRate(options));
  GangWorkload workload;
  workload.queues = options.queues;
  double minutes = 0;
  for (int i = 0; i < options.jobs; ++i) {
    minutes += gap_minutes(rng);
    GangJob job = DrawJob(options, rng);
    job.arrival_s = std::llround(minutes * 60);
    workload.jobs.push_back(job);
  }
  return workload;
}

absl::StatusOr<std::vector<GangQueue>> ParseGangQueues(absl::string_view text) {
  std::vector<GangQueue> queues;
  absl::flat_hash_set<std::string> seen;
  for (absl::string_view entry : absl::StrSplit(text, ',')) {
    std::vector<absl::string_view> parts = absl::StrSplit(entry, ':');
    GangQueue queue;
    queue.name = std::string(parts[0]);
    bool ok = !queue.name.empty() && parts.size() >= 2 && parts.size() <= 3 &&
              absl::SimpleAtod(parts[1], &queue.weight) &&
              std::isfinite(queue.weight) && queue.weight > 0;
    if (ok && parts.size() == 3) {
      ok = absl::SimpleAtod(parts[2], &queue.capability_gpus) &&
           std::isfinite(queue.capability_gpus) && queue.capability_gpus > 0;
    }
    if (!ok) {
      return Bad("--queues", absl::StrCat("bad entry '", entry,
                                          "', want name:weight[:capability]"));
    }
    if (!seen.insert(queue.name).second) {
      return Bad("--queues", absl::StrCat("queue '", queue.name, "' twice"));
    }
    queues.push_back(std::move(queue));
  }
  return queues;
}

absl::StatusOr<std::pair<int, int>> ParsePodRange(absl::string_view text,
                                                  absl::string_view flag) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
  int first = 0, last = 0;
  bool ok = parts.size() <= 2 && absl::SimpleAtoi(parts[0], &first) &&
            absl::SimpleAtoi(parts.back(), &last) && first >= 1 &&
            first <= last && last <= 64;
  if (!ok) {
    return Bad(flag, absl::StrCat("bad range '", text, "', want e.g. 1-16"));
  }
  return std::pair(first, last);
}

absl::StatusOr<std::vector<int>> ParseGpuCounts(absl::string_view text,
                                                absl::string_view flag) {
  std::vector<int> counts;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    int gpus = 0;
    if (!absl::SimpleAtoi(part, &gpus) || gpus < 1 || gpus > kMaxGpusPerNode) {
      return Bad(flag, absl::StrCat("bad GPU count '", part, "', want 1..8"));
    }
    counts.push_back(gpus);
  }
  return counts;
}

TraceCluster SyntheticGangCluster(int nodes, int gpus_per_node,
                                  const GangWorkloadOptions& options) {
  TraceCluster cluster;
  int model = *cluster.models.Intern("GPU");
  // 1.5x the per-GPU CPU and memory: whole-GPU pods never run out of either
  // before GPUs, so GPUs alone decide what fits.
  int64_t cpu = options.cpu_milli_per_gpu * gpus_per_node * 3 / 2;
  int64_t memory = options.memory_mib_per_gpu * gpus_per_node * 3 / 2;
  for (int i = 0; i < nodes; ++i) {
    cluster.names.push_back(absl::StrCat("node-", i));
    cluster.nodes.push_back(
        *NodeState::Idle(cpu, memory, gpus_per_node, model));
  }
  return cluster;
}

}  // namespace gpulet::sched

#include "cli/simulate_gangs.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "base/status_macros.h"
#include "cli/text_table.h"
#include "nlohmann/json.hpp"
#include "sched/gang_scheduler.h"

namespace gpulet::cli {
namespace {

// Enough points to draw a day-long run, few enough to read the JSON.
constexpr size_t kMaxSeriesPoints = 200;
constexpr int kSyntheticGpusPerNode = 8;

// Runs every (policy, seed) pair on `threads` workers; results[p][s].
absl::StatusOr<std::vector<std::vector<sched::GangRunResult>>> RunAll(
    const sched::TraceCluster& cluster,
    const std::vector<sched::GangWorkload>& workloads,
    const GangRunPlan& plan) {
  const size_t seeds = plan.seeds.size();
  const size_t total = plan.policies.size() * seeds;
  std::vector<std::vector<sched::GangRunResult>> results(
      plan.policies.size(), std::vector<sched::GangRunResult>(seeds));
  std::atomic<size_t> next{0};
  absl::Mutex mu;
  absl::Status first_error;
  auto work = [&] {
    for (size_t i = next++; i < total; i = next++) {
      size_t p = i / seeds, s = i % seeds;
      absl::StatusOr<sched::GangRunResult> run = sched::SimulateGangs(
          cluster, workloads[s], plan.policies[p], plan.seeds[s]);
      absl::MutexLock lock(&mu);
      if (run.ok()) {
        results[p][s] = *std::move(run);
      } else if (first_error.ok()) {
        first_error = run.status();
      }
    }
  };
  std::vector<std::thread> workers;
  int count = std::clamp<int>(plan.threads, 1, static_cast<int>(total));
  for (int t = 0; t < count; ++t) workers.emplace_back(work);
  for (std::thread& worker : workers) worker.join();
  if (!first_error.ok()) return first_error;
  return results;
}

absl::StatusOr<sched::TraceCluster> LoadCluster(const GangFlags& flags,
                                                const std::string& nodes) {
  if (!nodes.empty()) return sched::LoadNodeFile(nodes);
  if (flags.synthetic_nodes < 1 || flags.synthetic_nodes > 100000) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--synthetic-nodes: want 1..100000, got ", flags.synthetic_nodes));
  }
  return sched::SyntheticGangCluster(flags.synthetic_nodes,
                                     kSyntheticGpusPerNode,
                                     sched::GangWorkloadOptions());
}

int64_t ClusterGpus(const sched::TraceCluster& cluster) {
  return cluster.gpu_capacity_milli() / sched::kMilliPerGpu;
}

// Block means of `series`, at most kMaxSeriesPoints of them.
std::vector<double> Downsample(const std::vector<double>& series,
                               size_t& stride) {
  stride = std::max<size_t>(
      1, (series.size() + kMaxSeriesPoints - 1) / kMaxSeriesPoints);
  std::vector<double> points;
  for (size_t i = 0; i < series.size(); i += stride) {
    size_t end = std::min(series.size(), i + stride);
    double sum = 0;
    for (size_t j = i; j < end; ++j) sum += series[j];
    points.push_back(sum / static_cast<double>(end - i));
  }
  return points;
}

nlohmann::json PolicyJson(const sched::GangRunResult& mean) {
  size_t stride = 1;
  nlohmann::json queues = nlohmann::json::object();
  for (const sched::GangQueueResult& queue : mean.queues) {
    queues[queue.name] = {{"allocated_share", queue.allocated_share},
                          {"deserved_share", queue.deserved_share}};
  }
  nlohmann::json json = {
      {"allocation_ratio_mean", mean.allocation_ratio_mean},
      {"allocation_ratio_series", Downsample(mean.allocation_series, stride)},
      {"jobs", mean.jobs},
      {"jobs_started_whole", mean.jobs_started_whole},
      {"partial_gangs", mean.partial_gangs},
      {"gpu_seconds_held_waiting", mean.gpu_seconds_held_waiting},
      {"queue_share_mad_points", mean.queue_share_mad_points},
      {"queues", queues},
      {"wait_p50_s", mean.wait_p50_s},
      {"wait_p99_s", mean.wait_p99_s},
      {"horizon_s", mean.horizon_s}};
  json["allocation_ratio_series_step_s"] =
      static_cast<int64_t>(stride) * mean.sample_period_s;
  return json;
}

}  // namespace

void AddGangFlags(CLI::App& command, GangFlags& flags) {
  command.add_option("--gang-jobs", flags.jobs, "gangs: jobs to generate")
      ->capture_default_str();
  command
      .add_option("--gang-share", flags.gang_share,
                  "gangs: fraction of jobs that are gangs (0..1)")
      ->capture_default_str();
  command
      .add_option("--job-pods", flags.job_pods,
                  "gangs: pods per gang job, min-max")
      ->capture_default_str();
  command
      .add_option("--pod-gpus", flags.pod_gpus,
                  "gangs: whole GPUs per pod, drawn from this list")
      ->capture_default_str();
  command
      .add_option("--queues", flags.queues,
                  "gangs: name:weight[:capability GPUs],...")
      ->capture_default_str();
  command
      .add_option("--arrival-rate", flags.arrival_rate,
                  "gangs: mean jobs per minute (0: 1.3x oversubscribed)")
      ->capture_default_str();
  command
      .add_option("--job-minutes", flags.job_minutes,
                  "gangs: mean job duration in minutes")
      ->capture_default_str();
  command
      .add_option("--high-priority-share", flags.high_priority_share,
                  "gangs: fraction of jobs with priority 1")
      ->capture_default_str();
  command
      .add_option("--synthetic-nodes", flags.synthetic_nodes,
                  "gangs: 8-GPU nodes of the cluster when --nodes is absent")
      ->capture_default_str();
}

absl::StatusOr<sched::GangWorkloadOptions> GangOptionsFromFlags(
    const GangFlags& flags, int64_t cluster_gpus) {
  sched::GangWorkloadOptions options;
  options.jobs = flags.jobs;
  options.gang_share = flags.gang_share;
  ASSIGN_OR_RETURN(auto pods,
                   sched::ParsePodRange(flags.job_pods, "--job-pods"));
  options.min_pods = pods.first;
  options.max_pods = pods.second;
  ASSIGN_OR_RETURN(options.pod_gpus,
                   sched::ParseGpuCounts(flags.pod_gpus, "--pod-gpus"));
  ASSIGN_OR_RETURN(options.queues, sched::ParseGangQueues(flags.queues));
  options.arrival_rate_per_minute = flags.arrival_rate;
  options.job_minutes = flags.job_minutes;
  options.high_priority_share = flags.high_priority_share;
  options.cluster_gpus = cluster_gpus;
  RETURN_IF_ERROR(sched::ValidateGangWorkloadOptions(options));
  return options;
}

absl::Status RunGangSimulation(const GangFlags& flags,
                               const GangRunPlan& plan) {
  const std::vector<std::string>& known = sched::GangPolicyNames();
  for (const std::string& policy : plan.policies) {
    if (std::find(known.begin(), known.end(), policy) == known.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown policy '", policy, "' in --policy; with --workload gangs: ",
          absl::StrJoin(known, ", ")));
    }
  }
  ASSIGN_OR_RETURN(sched::TraceCluster cluster, LoadCluster(flags, plan.nodes));
  ASSIGN_OR_RETURN(sched::GangWorkloadOptions options,
                   GangOptionsFromFlags(flags, ClusterGpus(cluster)));
  std::vector<sched::GangWorkload> workloads;
  for (uint64_t seed : plan.seeds) {
    ASSIGN_OR_RETURN(sched::GangWorkload workload,
                     sched::GenerateGangWorkload(options, seed));
    workloads.push_back(std::move(workload));
  }
  ASSIGN_OR_RETURN(auto results, RunAll(cluster, workloads, plan));
  std::vector<sched::GangRunResult> means;
  for (const std::vector<sched::GangRunResult>& runs : results) {
    means.push_back(sched::MeanGangRuns(runs));
  }
  std::cout << (plan.format == "json"
                    ? FormatGangJson(options, plan.seeds, plan.policies, means)
                    : FormatGangTable(plan.policies, means));
  return absl::OkStatus();
}

std::string FormatGangJson(const sched::GangWorkloadOptions& options,
                           const std::vector<uint64_t>& seeds,
                           const std::vector<std::string>& policies,
                           const std::vector<sched::GangRunResult>& means) {
  nlohmann::json queues = nlohmann::json::object();
  for (const sched::GangQueue& queue : options.queues) {
    queues[queue.name] = {{"weight", queue.weight}};
    if (std::isfinite(queue.capability_gpus)) {
      queues[queue.name]["capability_gpus"] = queue.capability_gpus;
    }
  }
  nlohmann::json workload = {
      {"jobs", options.jobs},
      {"gang_share", options.gang_share},
      {"job_pods", {options.min_pods, options.max_pods}},
      {"pod_gpus", options.pod_gpus},
      {"queues", queues},
      {"arrival_rate_per_minute", sched::EffectiveArrivalRate(options)},
      {"job_minutes", options.job_minutes},
      {"high_priority_share", options.high_priority_share},
      {"cluster_gpus", options.cluster_gpus}};
  nlohmann::json by_policy = nlohmann::json::object();
  for (size_t p = 0; p < policies.size(); ++p) {
    by_policy[policies[p]] = PolicyJson(means[p]);
  }
  return nlohmann::json{
             {"policies", by_policy}, {"seeds", seeds}, {"workload", workload}}
             .dump(2) +
         "\n";
}

std::string FormatGangTable(const std::vector<std::string>& policies,
                            const std::vector<sched::GangRunResult>& means) {
  TextTable table({"policy", "alloc%", "jobs whole", "partial gangs",
                   "GPU-h held waiting", "queue MAD pp", "wait p50 min",
                   "wait p99 min", "queues alloc/deserved %"});
  for (size_t p = 0; p < policies.size(); ++p) {
    const sched::GangRunResult& m = means[p];
    std::string queues;
    for (const sched::GangQueueResult& queue : m.queues) {
      absl::StrAppend(&queues, queues.empty() ? "" : " ", queue.name, " ",
                      absl::StrFormat("%.1f/%.1f", 100 * queue.allocated_share,
                                      100 * queue.deserved_share));
    }
    table.AddRow({policies[p],
                  absl::StrFormat("%.1f", 100 * m.allocation_ratio_mean),
                  absl::StrCat(m.jobs_started_whole, "/", m.jobs),
                  absl::StrCat(m.partial_gangs),
                  absl::StrFormat("%.0f", m.gpu_seconds_held_waiting / 3600),
                  absl::StrFormat("%.1f", m.queue_share_mad_points),
                  absl::StrFormat("%.1f", m.wait_p50_s / 60),
                  absl::StrFormat("%.1f", m.wait_p99_s / 60), queues});
  }
  return table.Render();
}

}  // namespace gpulet::cli

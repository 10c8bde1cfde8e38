#include "sched/gang_simulation.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <queue>
#include <utility>

#include "base/status_macros.h"
#include "sched/gang_scheduler.h"
#include "sched/target_workload.h"

namespace gpulet::sched {
namespace {

constexpr int64_t kSamplePeriodS = 60;
constexpr int64_t kCycleS = 1;
constexpr int64_t kDrainS = 24 * 3600;
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

// FGD's typical pods: every member of every job, as the scheduler would
// learn them from the queue.
TargetWorkload OracleOf(const GangWorkload& workload) {
  std::vector<PodRequest> pods;
  for (const GangJob& job : workload.jobs) {
    pods.insert(pods.end(), static_cast<size_t>(job.pods), job.pod);
  }
  return TargetWorkload::FromPods(pods);
}

// Nearest-rank percentile of sorted values.
double Percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t rank =
      static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

// One run: owns the live cluster, the event queues and the accumulators.
class GangRun {
 public:
  GangRun(const TraceCluster& cluster, const GangWorkload& workload,
          std::unique_ptr<GangScheduler> scheduler)
      : workload_(workload), scheduler_(std::move(scheduler)) {
    state_.workload = &workload;
    state_.nodes = cluster.nodes;
    state_.jobs.resize(workload.jobs.size());
    state_.queue_held_gpus.assign(workload.queues.size(), 0);
    for (const NodeState& node : cluster.nodes)
      state_.total_gpus += node.gpu_count;
    last_arrival_s_ =
        workload.jobs.empty() ? 0 : workload.jobs.back().arrival_s;
    cap_s_ = 2 * last_arrival_s_ + kDrainS;
    partial_.assign(workload.jobs.size(), false);
    deserved_sum_.assign(workload.queues.size(), 0);
    allocated_sum_.assign(workload.queues.size(), 0);
  }

  absl::StatusOr<GangRunResult> Run() {
    int64_t now = 0;
    bool dirty = false;
    while (true) {
      RETURN_IF_ERROR(ProcessEvents(now, dirty));
      if (dirty && !state_.pending.empty()) {
        ASSIGN_OR_RETURN(dirty, scheduler_->Cycle(state_));
        AfterCycle(now);
      } else {
        dirty = false;
      }
      if (finished_ == static_cast<int64_t>(workload_.jobs.size())) break;
      int64_t next = std::min(NextEvent(), dirty ? now + kCycleS : kNever);
      next = std::min(next, cap_s_);
      Accumulate(now, next);
      now = next;
      if (now >= cap_s_) break;
    }
    return Finish(now);
  }

 private:
  using Completion = std::pair<int64_t, int>;  // time, job

  absl::Status ProcessEvents(int64_t now, bool& dirty) {
    while (!completions_.empty() && completions_.top().first <= now) {
      RETURN_IF_ERROR(state_.ReleaseJob(completions_.top().second));
      completions_.pop();
      ++finished_;
      dirty = true;
    }
    while (next_arrival_ < workload_.jobs.size() &&
           workload_.jobs[next_arrival_].arrival_s <= now) {
      state_.pending.push_back(static_cast<int>(next_arrival_++));
      dirty = true;
    }
    return absl::OkStatus();
  }

  // Starts the jobs whose members are all placed and marks partial gangs.
  void AfterCycle(int64_t now) {
    std::vector<int> still;
    for (int job : state_.pending) {
      const GangJob& spec = workload_.jobs[job];
      int placed = static_cast<int>(state_.jobs[job].members.size());
      if (placed == spec.pods) {
        state_.jobs[job].start_s = now;
        completions_.push({now + spec.duration_s, job});
        continue;
      }
      if (spec.gang && placed > 0) partial_[job] = true;
      still.push_back(job);
    }
    state_.pending = std::move(still);
  }

  int64_t NextEvent() const {
    int64_t next = kNever;
    if (next_arrival_ < workload_.jobs.size()) {
      next = workload_.jobs[next_arrival_].arrival_s;
    }
    if (!completions_.empty()) next = std::min(next, completions_.top().first);
    return next;
  }

  // The state is constant over [from, to): integrate it and take the
  // minute samples that fall in it.
  void Accumulate(int64_t from, int64_t to) {
    int64_t held = 0, waiting = 0;
    for (int64_t q : state_.queue_held_gpus) held += q;
    for (int job : state_.pending) {
      waiting += static_cast<int64_t>(state_.jobs[job].members.size()) *
                 workload_.jobs[job].pod.gpu_count;
    }
    held_waiting_ +=
        static_cast<double>(waiting) * static_cast<double>(to - from);
    if (next_sample_s_ >= to) return;
    double total = static_cast<double>(std::max<int64_t>(1, state_.total_gpus));
    std::vector<double> deserved = state_.DeservedGpus();
    for (; next_sample_s_ < to; next_sample_s_ += kSamplePeriodS) {
      double ratio = static_cast<double>(held) / total;
      series_.push_back(ratio);
      if (next_sample_s_ > last_arrival_s_) continue;
      ++loaded_samples_;
      loaded_allocation_ += ratio;
      for (size_t q = 0; q < deserved.size(); ++q) {
        double allocated =
            static_cast<double>(state_.queue_held_gpus[q]) / total;
        deserved_sum_[q] += deserved[q] / total;
        allocated_sum_[q] += allocated;
        mad_sum_ += std::abs(allocated - deserved[q] / total);
      }
    }
  }

  GangRunResult Finish(int64_t horizon) const {
    GangRunResult result;
    result.sample_period_s = kSamplePeriodS;
    result.allocation_series = series_;
    result.horizon_s = horizon;
    result.jobs = static_cast<int64_t>(workload_.jobs.size());
    result.gpu_seconds_held_waiting = held_waiting_;
    double samples = static_cast<double>(std::max<int64_t>(1, loaded_samples_));
    result.allocation_ratio_mean = loaded_allocation_ / samples;
    result.queue_share_mad_points =
        100 * mad_sum_ /
        (samples * static_cast<double>(workload_.queues.size()));
    for (size_t q = 0; q < workload_.queues.size(); ++q) {
      result.queues.push_back({workload_.queues[q].name,
                               deserved_sum_[q] / samples,
                               allocated_sum_[q] / samples});
    }
    std::vector<double> waits;
    for (size_t j = 0; j < workload_.jobs.size(); ++j) {
      int64_t start = state_.jobs[j].start_s;
      if (start >= 0) ++result.jobs_started_whole;
      if (partial_[j]) ++result.partial_gangs;
      waits.push_back(static_cast<double>((start >= 0 ? start : horizon) -
                                          workload_.jobs[j].arrival_s));
    }
    std::sort(waits.begin(), waits.end());
    result.wait_p50_s = Percentile(waits, 0.50);
    result.wait_p99_s = Percentile(waits, 0.99);
    return result;
  }

  const GangWorkload& workload_;
  std::unique_ptr<GangScheduler> scheduler_;
  GangCluster state_;
  std::priority_queue<Completion, std::vector<Completion>, std::greater<>>
      completions_;
  size_t next_arrival_ = 0;
  int64_t finished_ = 0;
  int64_t last_arrival_s_ = 0;
  int64_t cap_s_ = 0;
  int64_t next_sample_s_ = 0;
  std::vector<bool> partial_;
  std::vector<double> series_;
  int64_t loaded_samples_ = 0;
  double loaded_allocation_ = 0;
  double held_waiting_ = 0;
  double mad_sum_ = 0;
  std::vector<double> deserved_sum_;
  std::vector<double> allocated_sum_;
};

}  // namespace

absl::StatusOr<GangRunResult> SimulateGangs(const TraceCluster& cluster,
                                            const GangWorkload& workload,
                                            absl::string_view policy,
                                            uint64_t seed) {
  if (cluster.gpu_capacity_milli() <= 0) {
    return absl::InvalidArgumentError(
        "gang simulation: the cluster has no GPU");
  }
  TargetWorkload oracle = OracleOf(workload);
  ASSIGN_OR_RETURN(std::unique_ptr<GangScheduler> scheduler,
                   MakeGangScheduler(policy, oracle, seed));
  GangRun run(cluster, workload, std::move(scheduler));
  return run.Run();
}

GangRunResult MeanGangRuns(std::span<const GangRunResult> runs) {
  GangRunResult mean = runs.front();
  const double n = static_cast<double>(runs.size());
  size_t longest = 0;
  for (const GangRunResult& run : runs) {
    longest = std::max(longest, run.allocation_series.size());
  }
  // A run that ended early had every job finished: its cluster is idle
  // from then on, so its missing samples count as 0.
  mean.allocation_series.assign(longest, 0);
  auto average = [&](auto field) {
    double sum = 0;
    for (const GangRunResult& run : runs)
      sum += static_cast<double>(run.*field);
    return sum / n;
  };
  mean.allocation_ratio_mean = average(&GangRunResult::allocation_ratio_mean);
  mean.jobs = std::llround(average(&GangRunResult::jobs));
  mean.jobs_started_whole =
      std::llround(average(&GangRunResult::jobs_started_whole));
  mean.partial_gangs = std::llround(average(&GangRunResult::partial_gangs));
  mean.gpu_seconds_held_waiting =
      average(&GangRunResult::gpu_seconds_held_waiting);
  mean.queue_share_mad_points = average(&GangRunResult::queue_share_mad_points);
  mean.wait_p50_s = average(&GangRunResult::wait_p50_s);
  mean.wait_p99_s = average(&GangRunResult::wait_p99_s);
  mean.horizon_s = std::llround(average(&GangRunResult::horizon_s));
  for (size_t q = 0; q < mean.queues.size(); ++q) {
    mean.queues[q].deserved_share = 0;
    mean.queues[q].allocated_share = 0;
    for (const GangRunResult& run : runs) {
      mean.queues[q].deserved_share += run.queues[q].deserved_share / n;
      mean.queues[q].allocated_share += run.queues[q].allocated_share / n;
    }
  }
  for (const GangRunResult& run : runs) {
    for (size_t i = 0; i < run.allocation_series.size(); ++i) {
      mean.allocation_series[i] += run.allocation_series[i] / n;
    }
  }
  return mean;
}

}  // namespace gpulet::sched

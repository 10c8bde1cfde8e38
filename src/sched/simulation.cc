#include "sched/simulation.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "sched/policy_factory.h"

namespace gpulet::sched {
namespace {

// Independent streams for arrivals, node order and the policy's ties.
constexpr uint64_t kNodeStream = 0x9e3779b97f4a7c15ULL;
constexpr uint64_t kPolicyStream = 0xbf58476d1ce4e5b9ULL;

// Running per-bucket sums of the allocation ratio.
class BucketRecorder {
 public:
  void Record(int64_t arrived, int64_t allocated, int64_t capacity) {
    size_t bucket = static_cast<size_t>(
        std::llround(100.0 * static_cast<double>(arrived) / capacity));
    if (bucket >= sums_.size()) {
      sums_.resize(bucket + 1, 0);
      counts_.resize(bucket + 1, 0);
    }
    sums_[bucket] += 100.0 * static_cast<double>(allocated) / capacity;
    ++counts_[bucket];
  }
  std::vector<double> Means() const {
    std::vector<double> means(sums_.size(),
                              std::numeric_limits<double>::quiet_NaN());
    for (size_t k = 0; k < sums_.size(); ++k) {
      if (counts_[k] > 0) means[k] = sums_[k] / counts_[k];
    }
    return means;
  }

 private:
  std::vector<double> sums_;
  std::vector<int64_t> counts_;
};

}  // namespace

std::vector<PodRequest> PrepareArrivals(std::span<const PodRequest> pods,
                                        int64_t capacity_milli,
                                        double tune_ratio, Rng& rng) {
  std::vector<PodRequest> arrivals(pods.begin(), pods.end());
  std::shuffle(arrivals.begin(), arrivals.end(), rng);
  if (tune_ratio <= 0 || pods.empty()) return arrivals;
  const double target = tune_ratio * static_cast<double>(capacity_milli);
  int64_t total = 0;
  for (const PodRequest& pod : arrivals) total += pod.total_gpu_milli();
  while (total > target && !arrivals.empty()) {
    auto victim = arrivals.begin() + UniformIndex(rng, arrivals.size());
    total -= victim->total_gpu_milli();
    arrivals.erase(victim);
  }
  if (total > 0) {
    while (true) {
      const PodRequest& pod = pods[UniformIndex(rng, pods.size())];
      if (static_cast<double>(total + pod.gpu_milli) > target) break;
      total += pod.total_gpu_milli();
      arrivals.push_back(pod);
    }
  }
  return arrivals;
}

absl::StatusOr<SimulationResult> Replay(std::vector<NodeState> nodes,
                                        std::span<const PodRequest> arrivals,
                                        Policy& policy,
                                        int64_t capacity_milli) {
  std::vector<const NodeState*> view;
  view.reserve(nodes.size());
  for (const NodeState& node : nodes) view.push_back(&node);
  SimulationResult result;
  BucketRecorder buckets;
  for (const PodRequest& pod : arrivals) {
    ++result.arrived_pods;
    result.arrived_gpu_milli += pod.total_gpu_milli();
    if (std::optional<Placement> placement = policy.Decide(view, pod)) {
      if (placement->node < 0 ||
          placement->node >= static_cast<int>(nodes.size())) {
        return absl::InternalError(
            absl::StrCat("policy chose node ", placement->node));
      }
      RETURN_IF_ERROR(Apply(nodes[placement->node], pod, placement->gpus));
      ++result.placed_pods;
      result.allocated_gpu_milli += pod.total_gpu_milli();
    }
    buckets.Record(result.arrived_gpu_milli, result.allocated_gpu_milli,
                   capacity_milli);
  }
  result.allocation_by_bucket = buckets.Means();
  return result;
}

absl::StatusOr<SimulationResult> Simulate(const TraceCluster& cluster,
                                          const TraceWorkload& workload,
                                          const TargetWorkload& oracle,
                                          absl::string_view policy_name,
                                          const SimulationOptions& options) {
  const int64_t capacity = cluster.gpu_capacity_milli();
  if (capacity <= 0) {
    return absl::InvalidArgumentError("the cluster has no GPU capacity");
  }
  ASSIGN_OR_RETURN(
      std::unique_ptr<Policy> policy,
      MakePolicy(policy_name, {options.seed ^ kPolicyStream, &oracle}));
  Rng arrival_rng(options.seed);
  std::vector<PodRequest> arrivals = PrepareArrivals(
      workload.pods, capacity, options.tune_ratio, arrival_rng);
  std::vector<NodeState> nodes = cluster.nodes;
  Rng node_rng(options.seed ^ kNodeStream);
  std::shuffle(nodes.begin(), nodes.end(), node_rng);
  return Replay(std::move(nodes), arrivals, *policy, capacity);
}

}  // namespace gpulet::sched

#include "sched/fgd_policy.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include "sched/gpu_choice.h"
#include "sched/paper_baselines.h"

namespace gpulet::sched {
namespace {

constexpr double kSameDecrease = 1e-9;
// Bounds the memo; beyond it the memo is simply started afresh.
constexpr size_t kMaxMemo = 1 << 20;

bool IsPowerOfTwo(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

}  // namespace

FgdPolicy::FgdPolicy(TargetWorkload target, FgdOptions options,
                     uint64_t /*seed*/)
    : target_(std::move(target)), options_(options) {}

int64_t FgdPolicy::QuantisedScore(double decrease) {
  return static_cast<int64_t>(100.0 / (1.0 + std::exp(-decrease / 1000.0)));
}

int FgdPolicy::ShapeId(const PodRequest& pod) {
  ShapeKey key(pod.cpu_milli, pod.gpu_milli, pod.gpu_count, pod.models);
  auto [it, inserted] =
      shape_ids_.try_emplace(key, static_cast<int>(shape_ids_.size()));
  return it->second;
}

// Re-derives M at 1, 2, 4, ... pods and then every 512 pods: often while
// the mix is still uncertain, rarely once it has settled. Every cached
// outcome depends on M, so all are dropped.
void FgdPolicy::LearnOnline(const PodRequest& pod) {
  learner_.Observe(pod);
  int64_t n = learner_.observed();
  if (!IsPowerOfTwo(n) && n % 512 != 0) return;
  target_ = learner_.Current();
  memo_.clear();
  for (NodeCache& cache : caches_) {
    cache.base_version_plus_one = 0;
    for (Outcome& outcome : cache.outcomes) outcome.version_plus_one = 0;
  }
}

std::optional<Placement> FgdPolicy::Decide(ClusterView nodes,
                                           const PodRequest& pod) {
  if (options_.online) LearnOnline(pod);
  int shape = ShapeId(pod);
  if (caches_.size() < nodes.size()) caches_.resize(nodes.size());
  if (options_.exact) return PickExact(nodes, pod, shape);
  int best = -1;
  int64_t best_score = 0;
  for (int i = 0; i < static_cast<int>(nodes.size()); ++i) {
    if (!Fits(*nodes[i], pod)) continue;
    int64_t score = Evaluate(i, *nodes[i], pod, shape).score;
    if (best < 0 || score > best_score) {
      best = i;
      best_score = score;
    }
  }
  if (best < 0) return std::nullopt;
  return Placement{best, caches_[best].outcomes[shape].gpus};
}

// Largest decrease; ties go to the higher BestFit score, then the lower index.
std::optional<Placement> FgdPolicy::PickExact(ClusterView nodes,
                                              const PodRequest& pod,
                                              int shape) {
  int best = -1;
  double best_decrease = 0;
  int64_t best_fit = 0;
  for (int i = 0; i < static_cast<int>(nodes.size()); ++i) {
    if (!Fits(*nodes[i], pod)) continue;
    double decrease = Evaluate(i, *nodes[i], pod, shape).decrease;
    if (best >= 0 && decrease < best_decrease - kSameDecrease) continue;
    int64_t fit = BestFitPolicy::BestFitScore(*nodes[i], pod);
    if (best >= 0 && decrease <= best_decrease + kSameDecrease &&
        fit <= best_fit) {
      continue;
    }
    best = i;
    best_decrease = decrease;
    best_fit = fit;
  }
  if (best < 0) return std::nullopt;
  return Placement{best, caches_[best].outcomes[shape].gpus};
}

double FgdPolicy::Base(int index, const NodeState& node) {
  NodeCache& cache = caches_[index];
  if (cache.base_version_plus_one != node.version + 1) {
    cache.base = Fragmentation(node.cpu_free, node.gpu_free, node.gpu_count,
                               node.model);
    cache.base_version_plus_one = node.version + 1;
  }
  return cache.base;
}

double FgdPolicy::Fragmentation(
    int64_t cpu_free, const std::array<int32_t, kMaxGpusPerNode>& gpu_free,
    int gpu_count, int model) {
  StateKey key(cpu_free, model, {});
  std::array<int32_t, kMaxGpusPerNode>& sorted = std::get<2>(key);
  std::copy(gpu_free.begin(), gpu_free.begin() + gpu_count, sorted.begin());
  std::sort(sorted.begin(), sorted.begin() + gpu_count);
  // Unused slots are -1 so that GPU counts stay part of the key.
  std::fill(sorted.begin() + gpu_count, sorted.end(), -1);
  auto it = memo_.find(key);
  if (it != memo_.end()) return it->second;
  if (memo_.size() >= kMaxMemo) memo_.clear();
  double value = NodeFragmentation(
      {cpu_free, std::span(gpu_free.data(), gpu_count), model}, target_);
  memo_.emplace(key, value);
  return value;
}

const FgdPolicy::Outcome& FgdPolicy::Evaluate(int index, const NodeState& node,
                                              const PodRequest& pod,
                                              int shape) {
  NodeCache& cache = caches_[index];
  if (cache.outcomes.size() <= static_cast<size_t>(shape)) {
    cache.outcomes.resize(shape + 1);
  }
  Outcome& outcome = cache.outcomes[shape];
  if (outcome.version_plus_one == node.version + 1) return outcome;
  double base = Base(index, node);
  outcome = pod.is_sharing() ? EvaluateSharing(node, pod, base)
                             : EvaluateWhole(node, pod, base);
  outcome.version_plus_one = node.version + 1;
  return outcome;
}

// Each fitting GPU is one option. Artifact scoring keeps the first GPU with
// the highest quantised score; exact scoring the largest decrease, then the
// least free GPU.
FgdPolicy::Outcome FgdPolicy::EvaluateSharing(const NodeState& node,
                                              const PodRequest& pod,
                                              double base) {
  Outcome best;
  int best_gpu = -1;
  std::array<int32_t, kMaxGpusPerNode> after = node.gpu_free;
  for (int g = 0; g < node.gpu_count; ++g) {
    if (node.gpu_free[g] < pod.gpu_milli) continue;
    after[g] -= pod.gpu_milli;
    double decrease = base - Fragmentation(node.cpu_free - pod.cpu_milli,
                                           after, node.gpu_count, node.model);
    after[g] += pod.gpu_milli;
    int64_t score = QuantisedScore(decrease);
    bool better;
    if (best_gpu < 0) {
      better = true;
    } else if (options_.exact) {
      better = decrease > best.decrease + kSameDecrease ||
               (decrease >= best.decrease - kSameDecrease &&
                node.gpu_free[g] < node.gpu_free[best_gpu]);
    } else {
      better = score > best.score;
    }
    if (better) {
      best = {0, decrease, score, GpuMask(1u << g)};
      best_gpu = g;
    }
  }
  return best;
}

// Whole GPUs (or none): one option. The "after" state takes the least free
// GPUs that fit, as the artifact does; for whole GPUs those are fully free
// and alike, so the lowest-indexed ones are allocated.
FgdPolicy::Outcome FgdPolicy::EvaluateWhole(const NodeState& node,
                                            const PodRequest& pod,
                                            double base) {
  std::array<int32_t, kMaxGpusPerNode> after = node.gpu_free;
  std::array<int, kMaxGpusPerNode> order;
  std::iota(order.begin(), order.begin() + node.gpu_count, 0);
  std::stable_sort(order.begin(), order.begin() + node.gpu_count,
                   [&](int a, int b) { return after[a] < after[b]; });
  int needed = pod.gpu_count;
  for (int i = 0; i < node.gpu_count && needed > 0; ++i) {
    if (after[order[i]] < pod.gpu_milli) continue;
    after[order[i]] -= pod.gpu_milli;
    --needed;
  }
  double decrease = base - Fragmentation(node.cpu_free - pod.cpu_milli, after,
                                         node.gpu_count, node.model);
  return {0, decrease, QuantisedScore(decrease), BestFitGpus(node, pod)};
}

}  // namespace gpulet::sched

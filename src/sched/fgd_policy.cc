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
// Bound the memo and the shared outcomes; beyond them they are simply
// started afresh (a replay of the default trace stays well below).
constexpr size_t kMaxMemo = 1 << 20;
constexpr size_t kMaxStates = 1 << 18;
constexpr size_t kMaxShared = 1 << 18;
constexpr size_t kMaxShapes = 256;

bool IsPowerOfTwo(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

// GPU slots beyond gpu_count are -1 so that GPU counts stay part of the key.
using StateTuple = std::tuple<int64_t, int64_t, int,
                              std::array<int32_t, kMaxGpusPerNode>>;

StateTuple MakeStateKey(int64_t cpu_free, int64_t memory_free, int model,
                        const std::array<int32_t, kMaxGpusPerNode>& gpu_free,
                        int gpu_count, bool sorted) {
  StateTuple key(cpu_free, memory_free, model, {});
  std::array<int32_t, kMaxGpusPerNode>& gpus = std::get<3>(key);
  std::copy(gpu_free.begin(), gpu_free.begin() + gpu_count, gpus.begin());
  if (sorted) std::sort(gpus.begin(), gpus.begin() + gpu_count);
  std::fill(gpus.begin() + gpu_count, gpus.end(), -1);
  return key;
}

}  // namespace

FgdPolicy::FgdPolicy(TargetWorkload target, FgdOptions options,
                     uint64_t /*seed*/)
    : options_(options) {
  SetTarget(std::move(target));
}

void FgdPolicy::SetTarget(TargetWorkload target) {
  target_ = std::move(target);
  cpu_thresholds_.clear();
  for (const WorkloadShape& shape : target_.shapes()) {
    cpu_thresholds_.push_back(shape.cpu_milli);
  }
  std::sort(cpu_thresholds_.begin(), cpu_thresholds_.end());
  cpu_thresholds_.erase(
      std::unique(cpu_thresholds_.begin(), cpu_thresholds_.end()),
      cpu_thresholds_.end());
}

int64_t FgdPolicy::QuantisedScore(double decrease) {
  return static_cast<int64_t>(100.0 / (1.0 + std::exp(-decrease / 1000.0)));
}

int FgdPolicy::ShapeId(const PodRequest& pod) {
  ShapeKey key(pod.cpu_milli, resource_aware() ? pod.memory_mib : 0,
               pod.gpu_milli, pod.gpu_count, pod.models);
  if (shape_ids_.size() >= kMaxShapes && !shape_ids_.contains(key)) {
    shape_ids_.clear();
    outcomes_.clear();
    ForgetStates();  // its keys hold shape ids
  }
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
  SetTarget(learner_.Current());
  memo_.clear();
  ForgetStates();
  for (NodeCache& cache : caches_) cache.base_version_plus_one = 0;
  for (std::vector<Outcome>& row : outcomes_) {
    for (Outcome& outcome : row) outcome.version_plus_one = 0;
  }
}

std::optional<Placement> FgdPolicy::Decide(ClusterView nodes,
                                           const PodRequest& pod) {
  if (options_.online) LearnOnline(pod);
  int shape = ShapeId(pod);
  if (caches_.size() < nodes.size()) caches_.resize(nodes.size());
  if (outcomes_.size() <= static_cast<size_t>(shape)) {
    outcomes_.resize(shape + 1);
  }
  if (outcomes_[shape].size() < nodes.size()) {
    outcomes_[shape].resize(nodes.size());
  }
  if (options_.exact) return PickExact(nodes, pod, shape);
  if (options_.lookahead > 0) return PickLookahead(nodes, pod, shape);
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
  return Placement{best, outcomes_[shape][best].gpus};
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
  return Placement{best, outcomes_[shape][best].gpus};
}

// The artifact's choice (highest score, first in node order) unless another
// of the first `lookahead` best-scored nodes costs the next pod less: the
// look-ahead only reorders ties of the quantised score, so FGD's packing
// by node order is kept wherever the look-ahead sees no difference.
std::optional<Placement> FgdPolicy::PickLookahead(ClusterView nodes,
                                                  const PodRequest& pod,
                                                  int shape) {
  candidates_.clear();
  int64_t best_score = 0;
  for (int i = 0; i < static_cast<int>(nodes.size()); ++i) {
    if (!Fits(*nodes[i], pod)) continue;
    int64_t score = Evaluate(i, *nodes[i], pod, shape).score;
    if (candidates_.empty() || score > best_score) {
      candidates_.assign(1, i);
      best_score = score;
    } else if (score == best_score &&
               static_cast<int>(candidates_.size()) < options_.lookahead) {
      candidates_.push_back(i);
    }
  }
  if (candidates_.empty()) return std::nullopt;
  int best = candidates_.front();
  if (candidates_.size() > 1) {
    homes_.Update(nodes, target_);
    double best_loss = 0;
    for (size_t c = 0; c < candidates_.size(); ++c) {
      int i = candidates_[c];
      NodeState after = *nodes[i];
      if (!Apply(after, pod, outcomes_[shape][i].gpus).ok()) continue;
      double loss = homes_.ExpectedLoss(i, after);
      if (c == 0 || loss < best_loss - kSameDecrease) {
        best = i;
        best_loss = loss;
      }
    }
  }
  return Placement{best, outcomes_[shape][best].gpus};
}

double FgdPolicy::Base(int index, const NodeState& node) {
  NodeCache& cache = caches_[index];
  if (cache.base_version_plus_one != node.version + 1) {
    cache.base = Fragmentation(node.cpu_free, node.memory_free, node.gpu_free,
                               node.gpu_count, node.model);
    cache.base_version_plus_one = node.version + 1;
  }
  return cache.base;
}

int FgdPolicy::StateId(int index, const NodeState& node) {
  NodeCache& cache = caches_[index];
  if (cache.state_generation == generation_ &&
      cache.state_version_plus_one == node.version + 1) {
    return cache.state_id;
  }
  if (state_ids_.size() >= kMaxStates) ForgetStates();
  StateKey key = MakeStateKey(node.cpu_free,
                              resource_aware() ? node.memory_free : 0,
                              node.model, node.gpu_free, node.gpu_count,
                              /*sorted=*/false);
  auto [it, inserted] =
      state_ids_.try_emplace(key, static_cast<int>(state_ids_.size()));
  cache.state_id = it->second;
  cache.state_generation = generation_;
  cache.state_version_plus_one = node.version + 1;
  return cache.state_id;
}

void FgdPolicy::ForgetStates() {
  state_ids_.clear();
  shared_.clear();
  ++generation_;
}

double FgdPolicy::Fragmentation(
    int64_t cpu_free, int64_t memory_free,
    const std::array<int32_t, kMaxGpusPerNode>& gpu_free, int gpu_count,
    int model) {
  // The paper's F_n(M) compares free CPU only with M's CPU requests
  // (fragmentation.h); the resource-aware one divides by them.
  StateKey key;
  if (resource_aware()) {
    key = MakeStateKey(cpu_free, memory_free, model, gpu_free, gpu_count,
                       /*sorted=*/true);
  } else {
    int64_t cpu_met = std::upper_bound(cpu_thresholds_.begin(),
                                       cpu_thresholds_.end(), cpu_free) -
                      cpu_thresholds_.begin();
    key = MakeStateKey(cpu_met, 0, model, gpu_free, gpu_count,
                       /*sorted=*/true);
  }
  auto it = memo_.find(key);
  if (it != memo_.end()) return it->second;
  if (memo_.size() >= kMaxMemo) memo_.clear();
  double value = NodeFragmentation(
      {cpu_free, std::span(gpu_free.data(), gpu_count), model, memory_free},
      target_, options_.measure);
  memo_.emplace(key, value);
  return value;
}

const FgdPolicy::Outcome& FgdPolicy::Evaluate(int index, const NodeState& node,
                                              const PodRequest& pod,
                                              int shape) {
  Outcome& outcome = outcomes_[shape][index];
  if (outcome.version_plus_one == node.version + 1) return outcome;
  if (shared_.size() >= kMaxShared) ForgetStates();
  uint64_t key = uint64_t{static_cast<uint32_t>(StateId(index, node))} << 32 |
                 static_cast<uint32_t>(shape);
  auto [it, inserted] = shared_.try_emplace(key);
  if (inserted) {
    double base = Base(index, node);
    it->second = pod.is_sharing() ? EvaluateSharing(node, pod, base)
                                  : EvaluateWhole(node, pod, base);
  }
  outcome = it->second;
  outcome.version_plus_one = node.version + 1;
  return outcome;
}

// Each fitting GPU is one option. Artifact scoring keeps the first GPU with
// the highest quantised score; exact scoring the largest decrease, then the
// least free GPU. GPUs with equal free milli-GPU leave the same multiset, so
// only the first of them can win and the others are skipped.
FgdPolicy::Outcome FgdPolicy::EvaluateSharing(const NodeState& node,
                                              const PodRequest& pod,
                                              double base) {
  Outcome best;
  int best_gpu = -1;
  std::array<int32_t, kMaxGpusPerNode> after = node.gpu_free;
  for (int g = 0; g < node.gpu_count; ++g) {
    if (node.gpu_free[g] < pod.gpu_milli) continue;
    if (std::find(node.gpu_free.begin(), node.gpu_free.begin() + g,
                  node.gpu_free[g]) != node.gpu_free.begin() + g) {
      continue;
    }
    after[g] -= pod.gpu_milli;
    double decrease =
        base - Fragmentation(node.cpu_free - pod.cpu_milli,
                             node.memory_free - pod.memory_mib, after,
                             node.gpu_count, node.model);
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
  double decrease = base - Fragmentation(node.cpu_free - pod.cpu_milli,
                                         node.memory_free - pod.memory_mib,
                                         after, node.gpu_count, node.model);
  return {0, decrease, QuantisedScore(decrease), BestFitGpus(node, pod)};
}

}  // namespace gpulet::sched

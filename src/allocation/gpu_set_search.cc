#include "allocation/gpu_set_search.h"

#include <algorithm>
#include <cstdint>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"
#include "base/status_macros.h"

namespace gpulet::allocation {
namespace {

// Past this many search nodes (far beyond 16 GPUs choose 8) the search
// stops and the better of its best-so-far and a greedy set is taken.
constexpr int64_t kNodeBudget = 2'000'000;

// A candidate set's quality, compared lexicographically: more score inside
// the set, then less score cut between the set and the GPUs left over.
struct Quality {
  int64_t internal = -1;
  int64_t cross = 0;
  bool BetterThan(const Quality& other) const {
    if (internal != other.internal) return internal > other.internal;
    return cross < other.cross;
  }
};

class Search {
 public:
  Search(const Topology& topology, const std::vector<int>& available,
         const std::vector<int>& required, int size)
      : topology_(topology), size_(size), chosen_(required) {
    absl::flat_hash_set<int> req(required.begin(), required.end());
    for (int gpu : available) {
      if (!req.contains(gpu)) candidates_.push_back(gpu);
    }
    std::sort(candidates_.begin(), candidates_.end());
    degree_.assign(topology.gpu_count(), 0);
    for (int a : available) {
      for (int b : available) {
        degree_[a] += topology.Score(a, b);
        max_pair_ = std::max<int64_t>(max_pair_, topology.Score(a, b));
      }
    }
  }

  std::vector<int> Run() {
    int64_t internal = 0, degrees = 0;
    for (size_t i = 0; i < chosen_.size(); ++i) {
      degrees += degree_[chosen_[i]];
      for (size_t j = 0; j < i; ++j) internal += topology_.Score(chosen_[i], chosen_[j]);
    }
    Dfs(0, internal, degrees);
    if (nodes_ > kNodeBudget) Greedy(internal, degrees);
    std::sort(best_.begin(), best_.end());
    return best_;
  }

 private:
  int64_t Gain(int gpu) const {
    int64_t gain = 0;
    for (int other : chosen_) gain += topology_.Score(gpu, other);
    return gain;
  }

  void Consider(int64_t internal, int64_t degrees) {
    Quality q{internal, degrees - 2 * internal};
    if (q.BetterThan(best_quality_)) {
      best_quality_ = q;
      best_ = chosen_;
    }
  }

  void Dfs(size_t start, int64_t internal, int64_t degrees) {
    const int64_t remaining = size_ - static_cast<int64_t>(chosen_.size());
    if (remaining == 0) return Consider(internal, degrees);
    // Even if every pair still to come scored the most any pair does, the
    // set could not beat the best one.
    int64_t new_pairs = remaining * static_cast<int64_t>(chosen_.size()) +
                        remaining * (remaining - 1) / 2;
    if (internal + new_pairs * max_pair_ < best_quality_.internal) return;
    for (size_t i = start; i + remaining <= candidates_.size(); ++i) {
      if (++nodes_ > kNodeBudget) return;
      int gpu = candidates_[i];
      int64_t gain = Gain(gpu);
      chosen_.push_back(gpu);
      Dfs(i + 1, internal + gain, degrees + degree_[gpu]);
      chosen_.pop_back();
    }
  }

  // Adds, one at a time, the GPU that adds the most score (ties: the one
  // that cuts the least from the rest, then the lowest index).
  void Greedy(int64_t internal, int64_t degrees) {
    std::vector<int> left = candidates_;
    while (static_cast<int>(chosen_.size()) < size_) {
      auto pick = left.begin();
      Quality pick_quality;
      for (auto it = left.begin(); it != left.end(); ++it) {
        int64_t in = internal + Gain(*it);
        Quality q{in, degrees + degree_[*it] - 2 * in};
        if (q.BetterThan(pick_quality)) {
          pick_quality = q;
          pick = it;
        }
      }
      internal += Gain(*pick);
      degrees += degree_[*pick];
      chosen_.push_back(*pick);
      left.erase(pick);
    }
    Consider(internal, degrees);
  }

  const Topology& topology_;
  const int size_;
  std::vector<int> chosen_;
  std::vector<int> candidates_;
  std::vector<int64_t> degree_;
  int64_t max_pair_ = 0;
  int64_t nodes_ = 0;
  Quality best_quality_;
  std::vector<int> best_;
};

absl::Status CheckIndices(const Topology& topology, const std::vector<int>& gpus,
                          std::string_view what) {
  absl::flat_hash_set<int> seen;
  for (int gpu : gpus) {
    if (gpu < 0 || gpu >= topology.gpu_count()) {
      return absl::InvalidArgumentError(
          absl::StrCat(AsAbsl(what), " GPU ", gpu, " is not one of the node's ",
                       topology.gpu_count(), " GPUs"));
    }
    if (!seen.insert(gpu).second) {
      return absl::InvalidArgumentError(absl::StrCat(AsAbsl(what), " GPU ", gpu, " is repeated"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<int>> BestGpuSet(const Topology& topology,
                                            const std::vector<int>& available,
                                            const std::vector<int>& required,
                                            int size) {
  RETURN_IF_ERROR(CheckIndices(topology, available, "available"));
  RETURN_IF_ERROR(CheckIndices(topology, required, "required"));
  for (int gpu : required) {
    if (std::find(available.begin(), available.end(), gpu) == available.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("required GPU ", gpu, " is not available"));
    }
  }
  if (size < static_cast<int>(required.size()) ||
      size > static_cast<int>(available.size())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "allocation size ", size, " must be between the ", required.size(),
        " required and the ", available.size(), " available GPUs"));
  }
  return Search(topology, available, required, size).Run();
}

}  // namespace gpulet::allocation

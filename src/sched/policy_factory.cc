#include "sched/policy_factory.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sched/deployed_anchors.h"
#include "sched/fgd_policy.h"
#include "sched/paper_baselines.h"

namespace gpulet::sched {
namespace {

// Best-scored nodes the look-ahead compares: enough to see past the first
// few ties, few enough that a decision stays within its time budget.
constexpr int kLookaheadCandidates = 8;

absl::StatusOr<std::unique_ptr<Policy>> MakeFgd(absl::string_view name,
                                                const PolicyContext& context) {
  auto has = [&](absl::string_view part) {
    return name.find(part) != absl::string_view::npos;
  };
  FgdOptions options;
  options.exact = has("exact");
  options.online = has("online");
  if (has("cpumem")) options.measure = FragmentMeasure::kResourceAware;
  if (has("lookahead")) options.lookahead = kLookaheadCandidates;
  if (!options.online && context.oracle == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("policy '", name, "' needs the trace's target workload"));
  }
  TargetWorkload target = options.online ? TargetWorkload() : *context.oracle;
  if (has("demand")) target = target.WeightedByGpuDemand();
  return std::make_unique<FgdPolicy>(std::move(target), options, context.seed);
}

bool IsFgdName(absl::string_view name) {
  const std::vector<std::string>& names = PolicyNames();
  return name.substr(0, 3) == "fgd" &&
         std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

const std::vector<std::string>& PolicyNames() {
  static const auto* const kNames = new std::vector<std::string>{
      "random",       "dotprod",     "gpupacking",      "gpuclustering",
      "bestfit",      "fgd",         "hami-binpack",    "hami-spread",
      "volcano-binpack", "fgd-online", "fgd-exact",     "fgd-exact-online",
      "fgd-cpumem",   "fgd-lookahead", "fgd-demand",    "fgd-cpumem-lookahead"};
  return *kNames;
}

absl::StatusOr<std::unique_ptr<Policy>> MakePolicy(
    absl::string_view name, const PolicyContext& context) {
  const uint64_t seed = context.seed;
  if (name == "random") return std::make_unique<RandomPolicy>(seed);
  if (name == "dotprod") return std::make_unique<DotProductPolicy>(seed);
  if (name == "gpupacking") return std::make_unique<GpuPackingPolicy>(seed);
  if (name == "gpuclustering") {
    return std::make_unique<GpuClusteringPolicy>(seed);
  }
  if (name == "bestfit") return std::make_unique<BestFitPolicy>(seed);
  if (name == "hami-binpack") {
    return std::make_unique<HamiPolicy>(HamiPolicy::Mode::kBinpack, seed);
  }
  if (name == "hami-spread") {
    return std::make_unique<HamiPolicy>(HamiPolicy::Mode::kSpread, seed);
  }
  if (name == "volcano-binpack") {
    return std::make_unique<VolcanoBinpackPolicy>(seed);
  }
  if (IsFgdName(name)) return MakeFgd(name, context);
  return absl::InvalidArgumentError(
      absl::StrCat("unknown policy '", name, "'; known: ",
                   absl::StrJoin(PolicyNames(), ", ")));
}

std::string PaperPolicyLabel(absl::string_view name) {
  if (name == "random") return "01-Random";
  if (name == "dotprod") return "02-DotProd";
  if (name == "gpuclustering") return "03-GpuClustering";
  if (name == "gpupacking") return "04-GpuPacking";
  if (name == "bestfit") return "05-BestFit";
  if (name == "fgd") return "06-FGD";
  return "";
}

}  // namespace gpulet::sched

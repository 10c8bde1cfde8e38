#include "sched/policy_factory.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sched/deployed_anchors.h"
#include "sched/fgd_policy.h"
#include "sched/paper_baselines.h"

namespace gpulet::sched {
namespace {

absl::StatusOr<std::unique_ptr<Policy>> MakeFgd(absl::string_view name,
                                                const PolicyContext& context) {
  FgdOptions options;
  options.exact = name.find("exact") != absl::string_view::npos;
  options.online = name.find("online") != absl::string_view::npos;
  if (!options.online && context.oracle == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("policy '", name, "' needs the trace's target workload"));
  }
  TargetWorkload target = options.online ? TargetWorkload() : *context.oracle;
  return std::make_unique<FgdPolicy>(std::move(target), options, context.seed);
}

}  // namespace

const std::vector<std::string>& PolicyNames() {
  static const auto* const kNames = new std::vector<std::string>{
      "random",       "dotprod",     "gpupacking",      "gpuclustering",
      "bestfit",      "fgd",         "hami-binpack",    "hami-spread",
      "volcano-binpack", "fgd-online", "fgd-exact",     "fgd-exact-online"};
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
  if (name == "fgd" || name == "fgd-online" || name == "fgd-exact" ||
      name == "fgd-exact-online") {
    return MakeFgd(name, context);
  }
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

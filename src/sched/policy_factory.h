// MakePolicy: a policy by its command-line name. The names:
//
//   paper:    random dotprod gpupacking gpuclustering bestfit fgd
//   anchors:  hami-binpack hami-spread volcano-binpack
//   ours:     fgd-online (M learned online, no oracle)
//             fgd-exact  (unquantised delta, BestFit then index tie-break)
//             fgd-exact-online
//             fgd-cpumem (resource-aware fragments: GPU that the node's
//                         remaining CPU or memory cannot feed counts too)
//             fgd-lookahead (ties of the best score go to the node whose
//                         placement takes the fewest homes of the next
//                         likely pod, among the first 8 tied)
//             fgd-demand (M weighted by GPU request instead of pod count)
//             fgd-cpumem-lookahead
#ifndef GPULET_SCHED_POLICY_FACTORY_H_
#define GPULET_SCHED_POLICY_FACTORY_H_

#include <memory>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "sched/policy.h"
#include "sched/target_workload.h"

namespace gpulet::sched {

struct PolicyContext {
  uint64_t seed = 42;
  // The oracle target workload for FGD variants; must outlive MakePolicy.
  const TargetWorkload* oracle = nullptr;
};

// InvalidArgument naming `name` when it is not one of the names above, or
// when an oracle FGD variant is asked for without context.oracle.
absl::StatusOr<std::unique_ptr<Policy>> MakePolicy(absl::string_view name,
                                                   const PolicyContext& context);

// Every name MakePolicy accepts, in the order above.
const std::vector<std::string>& PolicyNames();

// The artifact's label for a paper policy ("fgd" -> "06-FGD"), or "" when
// `name` is not one of the paper's six.
std::string PaperPolicyLabel(absl::string_view name);

}  // namespace gpulet::sched

#endif  // GPULET_SCHED_POLICY_FACTORY_H_

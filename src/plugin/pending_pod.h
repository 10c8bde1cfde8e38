// PendingPod: a pod the scheduler extender placed on this node whose GPUs
// the device plugin has yet to hand out — read from a v1.Pod object's
// gpulet.io/decision, gpulet.io/allocated-containers and
// gpulet.io/bind-phase annotations.
//
// Plain values and a pure parser of outside input; thread-safe.
#ifndef GPULET_PLUGIN_PENDING_POD_H_
#define GPULET_PLUGIN_PENDING_POD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "handoff/pod_decision.h"
#include "nlohmann/json.hpp"

namespace gpulet::plugin {

struct PendingPod {
  std::string ns;
  std::string name;
  std::string uid;
  // metadata.creationTimestamp in unix seconds (0 when absent); orders pods
  // with the same decision time.
  int64_t created_unix = 0;
  handoff::PodDecision decision;
  // Containers of the decision already served (gpulet.io/allocated-containers).
  int allocated = 0;

  // "<namespace>/<name>" for logs.
  std::string Key() const { return ns + "/" + name; }
};

// What `pod` means for the hand-off on `node`:
//   nullopt  not a pending decision here: no decision annotation, bound to
//            another node, not Pending, being deleted, or its bind phase is
//            already success/failed;
//   error    a decision that cannot be served: InvalidArgument naming the
//            pod and the annotation for an undecodable decision or
//            allocated-containers count, a count beyond the decision's
//            containers, or a decision made for another node.
absl::StatusOr<std::optional<PendingPod>> ParsePendingPod(const nlohmann::json& pod,
                                                          std::string_view node);

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_PENDING_POD_H_

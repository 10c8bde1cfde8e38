// HandoffApi: the Kubernetes calls the device plugin's side of the
// scheduler hand-off makes — patching its node's and its pods' annotations
// and listing the pods bound to its node. The seam between the plugin and
// src/kube: KubeHandoffApi talks to the API server, tests use an in-memory
// fake.
//
// Implementations are thread-safe; every call is bounded in time.
#ifndef GPULET_PLUGIN_HANDOFF_API_H_
#define GPULET_PLUGIN_HANDOFF_API_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace gpulet::plugin {

// Annotation key -> new value; nullopt removes the key.
using AnnotationPatch = std::map<std::string, std::optional<std::string>>;

class HandoffApi {
 public:
  virtual ~HandoffApi() = default;

  virtual absl::Status PatchNodeAnnotations(std::string_view node,
                                            const AnnotationPatch& patch) = 0;
  virtual absl::Status PatchPodAnnotations(std::string_view ns, std::string_view name,
                                           const AnnotationPatch& patch) = 0;
  // The v1.Pod objects with spec.nodeName == `node`.
  virtual absl::StatusOr<std::vector<nlohmann::json>> ListNodePods(std::string_view node) = 0;
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_HANDOFF_API_H_

// ClusterApi: the few Kubernetes API calls the extender makes on its own —
// read a pod, patch its annotations, bind it. A seam with two
// implementations: KubeClusterApi over kube::Client for the real API
// server, and test fakes that inject failures the decision core must
// survive without leaking a reservation.
//
// Implementations must be thread-safe: /bind calls arrive concurrently.
#ifndef GPULET_EXTENDER_CLUSTER_API_H_
#define GPULET_EXTENDER_CLUSTER_API_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace gpulet::extender {

// Annotation key -> value; nullopt removes the key.
using AnnotationChanges = std::map<std::string, std::optional<std::string>>;

class ClusterApi {
 public:
  virtual ~ClusterApi() = default;

  // The v1.Pod. NotFound when it does not exist.
  virtual absl::StatusOr<nlohmann::json> GetPod(std::string_view ns,
                                                std::string_view name) = 0;
  virtual absl::Status PatchPodAnnotations(
      std::string_view ns, std::string_view name,
      const AnnotationChanges& changes) = 0;
  // POSTs the pod's Binding to `node`; `uid` is its precondition.
  virtual absl::Status CreateBinding(std::string_view ns,
                                     std::string_view name,
                                     std::string_view uid,
                                     std::string_view node) = 0;

  // Any object by API path, for PodGroup and Queue status and Events
  // (GroupStatusWriter). Unimplemented unless overridden: a fake that
  // does not care about status writes need not.
  virtual absl::StatusOr<nlohmann::json> ReplaceObject(
      std::string_view path, const nlohmann::json& object);
  virtual absl::StatusOr<nlohmann::json> MergePatchObject(
      std::string_view path, const nlohmann::json& patch);
  virtual absl::StatusOr<nlohmann::json> CreateObject(
      std::string_view collection_path, const nlohmann::json& object);
};

inline absl::StatusOr<nlohmann::json> ClusterApi::ReplaceObject(
    std::string_view, const nlohmann::json&) {
  return absl::UnimplementedError("ReplaceObject");
}
inline absl::StatusOr<nlohmann::json> ClusterApi::MergePatchObject(
    std::string_view, const nlohmann::json&) {
  return absl::UnimplementedError("MergePatchObject");
}
inline absl::StatusOr<nlohmann::json> ClusterApi::CreateObject(
    std::string_view, const nlohmann::json&) {
  return absl::UnimplementedError("CreateObject");
}

}  // namespace gpulet::extender

#endif  // GPULET_EXTENDER_CLUSTER_API_H_

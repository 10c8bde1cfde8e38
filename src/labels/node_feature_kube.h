// KubeNodeFeatureStore: NodeFeatureStore on the Kubernetes API server,
// through gpulet's Kubernetes client, at
// /apis/nfd.k8s-sigs.io/v1alpha1/namespaces/{ns}/nodefeatures.
//
// Thread-safe as kube::Client is; copies share the client.
#ifndef GPULET_LABELS_NODE_FEATURE_KUBE_H_
#define GPULET_LABELS_NODE_FEATURE_KUBE_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "config/environment.h"
#include "kube/client.h"
#include "labels/node_feature.h"
#include "nlohmann/json.hpp"

namespace gpulet::labels {

class KubeNodeFeatureStore final : public NodeFeatureStore {
 public:
  // A client for the cluster kube::ResolveClientConfig picks from
  // `kubeconfig` (a --kubeconfig flag; "" for $KUBECONFIG, then in-cluster).
  static absl::StatusOr<KubeNodeFeatureStore> Open(std::string_view kubeconfig,
                                                   const Environment& env);
  explicit KubeNodeFeatureStore(std::shared_ptr<kube::Client> client)
      : client_(std::move(client)) {}

  // "/apis/nfd.k8s-sigs.io/v1alpha1/namespaces/<ns>/nodefeatures".
  static std::string CollectionPath(std::string_view ns);

  // NodeFeatureStore
  absl::StatusOr<nlohmann::json> Get(std::string_view ns, std::string_view name) override;
  absl::Status Create(std::string_view ns, const nlohmann::json& object) override;
  absl::Status Replace(std::string_view ns, std::string_view name,
                       const nlohmann::json& object) override;

  // The owner references GFD gives its NodeFeature: pod `pod` of `ns` and
  // the pod's controller (its DaemonSet) when it has one. The client's
  // errors (NotFound for no such pod).
  absl::StatusOr<nlohmann::json> OwnerReferences(std::string_view ns, std::string_view pod);

 private:
  std::shared_ptr<kube::Client> client_;
};

// The owner references of OwnerReferences from `pod`, the v1.Pod object the
// API server returned for pod `pod_name`: the pod itself, then each owner
// reference marked controller. Fields missing or of another type are
// skipped (a name falls back to `pod_name`); never throws.
nlohmann::json PodOwnerReferences(const nlohmann::json& pod, std::string_view pod_name);

}  // namespace gpulet::labels

#endif  // GPULET_LABELS_NODE_FEATURE_KUBE_H_

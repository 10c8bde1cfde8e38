#include "node/label_output.h"

#include "base/absl_format.h"
#include "labels/label_file_writer.h"
#if GPULET_WITH_KUBE
#include "labels/node_feature_kube.h"
#endif
#include "spdlog/spdlog.h"

namespace gpulet::node {

absl::StatusOr<LabelOutput> OpenLabelOutput(const GfdConfig& gfd, const NodeFeatureSettings& nf,
                                            const Environment& env) {
  LabelOutput out;
  if (!gfd.use_node_feature_api) {
    if (!gfd.output_file.empty()) {
      out.sink = std::make_unique<labels::LabelFileWriter>(gfd.output_file, gfd.sleep_interval);
    }
    return out;
  }
  if (nf.node_name.empty()) {
    return absl::InvalidArgumentError(
        "the NodeFeature API output needs this node's name: set --node-name or NODE_NAME");
  }
#if GPULET_WITH_KUBE
  absl::StatusOr<labels::KubeNodeFeatureStore> store =
      labels::KubeNodeFeatureStore::Open(nf.kubeconfig, env);
  if (!store.ok()) return store.status();
  labels::NodeFeatureTarget target{nf.node_name, nf.namespace_};
  if (!nf.pod_name.empty()) {
    absl::StatusOr<nlohmann::json> owners = store->OwnerReferences(nf.namespace_, nf.pod_name);
    if (owners.ok()) {
      target.owner_references = *std::move(owners);
    } else {
      spdlog::warn("NodeFeature without owner references: {}", owners.status());
    }
  }
  out.store = std::make_unique<labels::KubeNodeFeatureStore>(*std::move(store));
  out.sink = std::make_unique<labels::NodeFeatureWriter>(*out.store, std::move(target));
  return out;
#else
  (void)env;
  return absl::FailedPreconditionError(
      "this gpulet is built without the Kubernetes client; the NodeFeature API output "
      "is unavailable");
#endif
}

}  // namespace gpulet::node

#include "extender/kube_cluster_api.h"

#include "base/absl_format.h"
#include "spdlog/spdlog.h"

namespace gpulet::extender {

absl::StatusOr<nlohmann::json> KubeClusterApi::GetPod(std::string_view ns,
                                                      std::string_view name) {
  return client_->GetPod(ns, name);
}

absl::Status KubeClusterApi::PatchPodAnnotations(
    std::string_view ns, std::string_view name,
    const AnnotationChanges& changes) {
  return client_->PatchPodAnnotations(ns, name, changes);
}

absl::Status KubeClusterApi::CreateBinding(std::string_view ns,
                                           std::string_view name,
                                           std::string_view uid,
                                           std::string_view node) {
  return client_->CreateBinding(ns, name, uid, node);
}

ClusterSync::ClusterSync(kube::Client* client, ClusterModel* model,
                         Extender* extender)
    : model_(model), extender_(extender) {
  kube::WatchOptions nodes;
  nodes.resource = "nodes";
  nodes_ = std::make_unique<kube::Watcher>(
      client, nodes, [this](kube::WatchEventType type, const nlohmann::json& node) {
        if (type == kube::WatchEventType::kDeleted) {
          auto metadata = node.find("metadata");
          if (metadata != node.end() && metadata->is_object()) {
            model_->RemoveNode(metadata->value("name", ""));
          }
          return;
        }
        absl::Status status = model_->UpsertNode(node);
        if (!status.ok()) spdlog::warn("node event ignored: {}", status);
      });
  kube::WatchOptions pods;
  pods.resource = "pods";
  pods_ = std::make_unique<kube::Watcher>(
      client, pods, [this](kube::WatchEventType type, const nlohmann::json& pod) {
        extender_->OnPodEvent(kube::WatchEventTypeName(type), pod);
      });
}

ClusterSync::~ClusterSync() { Stop(); }

void ClusterSync::Start() {
  nodes_->Start();
  // Pods are held against their nodes, so the nodes come first.
  nodes_->WaitForSync(absl::Seconds(30));
  pods_->Start();
}

void ClusterSync::Stop() {
  pods_->Stop();
  nodes_->Stop();
}

bool ClusterSync::synced() const {
  return nodes_->WaitForSync(absl::ZeroDuration()) &&
         pods_->WaitForSync(absl::ZeroDuration());
}

bool ClusterSync::WaitForSync(absl::Duration timeout) const {
  absl::Time deadline = absl::Now() + timeout;
  return nodes_->WaitForSync(timeout) &&
         pods_->WaitForSync(std::max(deadline - absl::Now(), absl::ZeroDuration()));
}

}  // namespace gpulet::extender

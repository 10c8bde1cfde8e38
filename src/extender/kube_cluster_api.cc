#include "extender/kube_cluster_api.h"

#include "base/absl_format.h"
#include "base/json_fields.h"
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

absl::StatusOr<nlohmann::json> KubeClusterApi::ReplaceObject(
    std::string_view path, const nlohmann::json& object) {
  return client_->ReplaceObject(path, object);
}

absl::StatusOr<nlohmann::json> KubeClusterApi::MergePatchObject(
    std::string_view path, const nlohmann::json& patch) {
  return client_->MergePatchObject(path, patch);
}

absl::StatusOr<nlohmann::json> KubeClusterApi::CreateObject(
    std::string_view collection_path, const nlohmann::json& object) {
  return client_->CreateObject(collection_path, object);
}

ClusterSync::ClusterSync(kube::Client* client, ClusterModel* model,
                         Extender* extender, gang::GroupRegistry* registry)
    : client_(client), model_(model), extender_(extender), registry_(registry) {
  kube::WatchOptions nodes;
  nodes.resource = "nodes";
  nodes_ = std::make_unique<kube::Watcher>(
      client, nodes, [this](kube::WatchEventType type, const nlohmann::json& node) {
        if (type == kube::WatchEventType::kDeleted) {
          if (std::string name = StringAt(node, {"metadata", "name"}); !name.empty()) {
            model_->RemoveNode(name);
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

void ClusterSync::WatchGroupObjects(const std::string& path,
                                    kube::Watcher::Callback callback) {
  absl::StatusOr<kube::ObjectList> served = client_->List(path, {});
  if (absl::IsNotFound(served.status())) {
    spdlog::info("{} is not served (its CRD is not installed): not watched",
                 path);
    return;
  }
  kube::WatchOptions options;
  options.collection_path = path;
  groups_.push_back(
      std::make_unique<kube::Watcher>(client_, options, std::move(callback)));
  groups_.back()->Start();
}

ClusterSync::~ClusterSync() { Stop(); }

void ClusterSync::Start() {
  nodes_->Start();
  if (registry_ != nullptr) {
    for (gang::GroupSource source :
         {gang::GroupSource::kVolcano, gang::GroupSource::kSchedulerPlugins}) {
      WatchGroupObjects(gang::PodGroupCollectionPath(source),
                        [this, source](kube::WatchEventType type,
                                       const nlohmann::json& object) {
                          registry_->OnPodGroupEvent(
                              source, kube::WatchEventTypeName(type), object);
                        });
    }
    WatchGroupObjects(std::string(gang::kQueueCollectionPath),
                      [this](kube::WatchEventType type, const nlohmann::json& object) {
                        registry_->OnQueueEvent(kube::WatchEventTypeName(type), object);
                      });
  }
  groups_ready_.store(true);
  // Pods are held against their nodes and counted against their groups'
  // queues, so those come first.
  nodes_->WaitForSync(absl::Seconds(30));
  for (const auto& watcher : groups_) watcher->WaitForSync(absl::Seconds(30));
  pods_->Start();
}

void ClusterSync::Stop() {
  pods_->Stop();
  for (const auto& watcher : groups_) watcher->Stop();
  nodes_->Stop();
}

bool ClusterSync::synced() const {
  return WaitForSync(absl::ZeroDuration());
}

bool ClusterSync::WaitForSync(absl::Duration timeout) const {
  // The group watchers are added by Start; until then there is nothing to
  // read of them (and nothing synced).
  if (!groups_ready_.load()) return false;
  absl::Time deadline = absl::Now() + timeout;
  auto left = [&] { return std::max(deadline - absl::Now(), absl::ZeroDuration()); };
  if (!nodes_->WaitForSync(left())) return false;
  for (const auto& watcher : groups_) {
    if (!watcher->WaitForSync(left())) return false;
  }
  return pods_->WaitForSync(left());
}

}  // namespace gpulet::extender

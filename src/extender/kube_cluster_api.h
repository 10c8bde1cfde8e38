// KubeClusterApi: ClusterApi over kube::Client, and ClusterSync, which
// feeds the extender from the API server — a node watcher into the
// ClusterModel, PodGroup and Queue watchers into the GroupRegistry (each
// only when the API server serves that resource) and a pod watcher into
// Extender::OnPodEvent.
//
// Thread-safe (kube::Client is). ClusterSync's callbacks run on the
// watchers' threads: the node watcher is the model's single writer.
#ifndef GPULET_EXTENDER_KUBE_CLUSTER_API_H_
#define GPULET_EXTENDER_KUBE_CLUSTER_API_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "extender/cluster_api.h"
#include "extender/cluster_model.h"
#include "extender/extender.h"
#include "gang/group_registry.h"
#include "kube/client.h"
#include "kube/watch.h"

namespace gpulet::extender {

class KubeClusterApi final : public ClusterApi {
 public:
  // `client` must outlive this.
  explicit KubeClusterApi(kube::Client* client) : client_(client) {}

  // ClusterApi
  absl::StatusOr<nlohmann::json> GetPod(std::string_view ns,
                                        std::string_view name) override;
  absl::Status PatchPodAnnotations(std::string_view ns, std::string_view name,
                                   const AnnotationChanges& changes) override;
  absl::Status CreateBinding(std::string_view ns, std::string_view name,
                             std::string_view uid,
                             std::string_view node) override;
  absl::StatusOr<nlohmann::json> ReplaceObject(
      std::string_view path, const nlohmann::json& object) override;
  absl::StatusOr<nlohmann::json> MergePatchObject(
      std::string_view path, const nlohmann::json& patch) override;
  absl::StatusOr<nlohmann::json> CreateObject(
      std::string_view collection_path, const nlohmann::json& object) override;

 private:
  kube::Client* const client_;
};

class ClusterSync {
 public:
  // All must outlive the sync. Nothing runs before Start().
  // Without a registry no PodGroup or Queue is watched.
  ClusterSync(kube::Client* client, ClusterModel* model, Extender* extender,
              gang::GroupRegistry* registry = nullptr);
  ~ClusterSync();

  void Start();
  void Stop();
  // True once every watcher delivered its first list (nodes, PodGroups and
  // Queues first, so pods find their nodes and groups).
  bool synced() const;
  bool WaitForSync(absl::Duration timeout) const;

 private:
  // Adds a watcher of `path` if the API server serves it (probed once at
  // Start); a cluster without that CRD is told once in the log, and
  // needs a restart of the extender once the CRD is installed.
  void WatchGroupObjects(const std::string& path,
                         kube::Watcher::Callback callback);

  kube::Client* const client_;
  ClusterModel* const model_;
  Extender* const extender_;
  gang::GroupRegistry* const registry_;
  std::unique_ptr<kube::Watcher> nodes_;
  // Filled by Start before groups_ready_ is set; read only after.
  std::vector<std::unique_ptr<kube::Watcher>> groups_;
  std::atomic<bool> groups_ready_{false};
  std::unique_ptr<kube::Watcher> pods_;
};

}  // namespace gpulet::extender

#endif  // GPULET_EXTENDER_KUBE_CLUSTER_API_H_

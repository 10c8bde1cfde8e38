// KubeClusterApi: ClusterApi over kube::Client, and ClusterSync, which
// feeds the extender from the API server — a node watcher into the
// ClusterModel and a pod watcher into Extender::OnPodEvent.
//
// Thread-safe (kube::Client is). ClusterSync's callbacks run on the
// watchers' threads: the node watcher is the model's single writer.
#ifndef GPULET_EXTENDER_KUBE_CLUSTER_API_H_
#define GPULET_EXTENDER_KUBE_CLUSTER_API_H_

#include <memory>

#include "absl/time/time.h"
#include "extender/cluster_api.h"
#include "extender/cluster_model.h"
#include "extender/extender.h"
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

 private:
  kube::Client* const client_;
};

class ClusterSync {
 public:
  // All three must outlive the sync. Nothing runs before Start().
  ClusterSync(kube::Client* client, ClusterModel* model, Extender* extender);
  ~ClusterSync();

  void Start();
  void Stop();
  // True once both watchers delivered their first list (nodes first, so
  // pods find their nodes).
  bool synced() const;
  bool WaitForSync(absl::Duration timeout) const;

 private:
  ClusterModel* const model_;
  Extender* const extender_;
  std::unique_ptr<kube::Watcher> nodes_;
  std::unique_ptr<kube::Watcher> pods_;
};

}  // namespace gpulet::extender

#endif  // GPULET_EXTENDER_KUBE_CLUSTER_API_H_

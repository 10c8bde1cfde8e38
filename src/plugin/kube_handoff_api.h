// KubeHandoffApi: HandoffApi over the Kubernetes API (src/kube).
//
// Patches go through a client with the configured timeout and retries (they
// run on the publisher's and the patch queue's threads, never in an RPC);
// ListNodePods, which Allocate may call once before falling back, uses a
// second client with one attempt and `list_timeout`, so a slow API server
// delays an Allocate by at most that much.
//
// Thread-safe (kube::Client is).
#ifndef GPULET_PLUGIN_KUBE_HANDOFF_API_H_
#define GPULET_PLUGIN_KUBE_HANDOFF_API_H_

#include <memory>

#include "absl/time/time.h"
#include "kube/client.h"
#include "plugin/handoff_api.h"

namespace gpulet::plugin {

class KubeHandoffApi final : public HandoffApi {
 public:
  // InvalidArgument as kube::Client::Create.
  static absl::StatusOr<std::unique_ptr<KubeHandoffApi>> Create(
      const kube::ClientConfig& config, absl::Duration list_timeout = absl::Seconds(1));

  // HandoffApi
  absl::Status PatchNodeAnnotations(std::string_view node, const AnnotationPatch& patch) override;
  absl::Status PatchPodAnnotations(std::string_view ns, std::string_view name,
                                   const AnnotationPatch& patch) override;
  absl::StatusOr<std::vector<nlohmann::json>> ListNodePods(std::string_view node) override;

  kube::Client& client() { return *client_; }

 private:
  KubeHandoffApi(std::unique_ptr<kube::Client> client, std::unique_ptr<kube::Client> quick)
      : client_(std::move(client)), quick_(std::move(quick)) {}

  const std::unique_ptr<kube::Client> client_;
  const std::unique_ptr<kube::Client> quick_;
};

// "spec.nodeName=<node>".
std::string NodePodsSelector(std::string_view node);

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_KUBE_HANDOFF_API_H_

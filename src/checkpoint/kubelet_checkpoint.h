// KubeletCheckpointer: `gpulet checkpoint pod` — checkpoints every
// container of a pod through the kubelet's checkpoint API (the
// ContainerCheckpoint feature, beta and on by default since Kubernetes
// 1.30):
//
//   POST https://<node>:10250/checkpoint/{namespace}/{pod}/{container}?timeout=<s>
//   200 {"items":["/var/lib/kubelet/checkpoints/checkpoint-<pod>_<ns>-<c>-<time>.tar"]}
//
// The kubelet asks the runtime (CRI CheckpointContainer), which runs CRIU,
// which loads the CUDA plugin; the archive stays on the node. The kubelet
// authorizes the call as `nodes/checkpoint`; gpulet sends the credentials
// of its kubeconfig or service account.
//
// Thread-safe: the containers of a pod are checkpointed in parallel, one
// thread each, over one kube::Client.
#ifndef GPULET_CHECKPOINT_KUBELET_CHECKPOINT_H_
#define GPULET_CHECKPOINT_KUBELET_CHECKPOINT_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "checkpoint/pod_lookup.h"
#include "kube/client.h"
#include "kube/client_config.h"
#include "nlohmann/json.hpp"

namespace gpulet::checkpoint {

inline constexpr int kDefaultKubeletPort = 10250;

struct ContainerCheckpoint {
  std::string container;
  std::vector<std::string> archives;  // paths on the node, as the kubelet answered
  absl::Status status;
};

// The archives in the kubelet's answer. InvalidArgument quoting the body
// when it is not {"items": [<string>...]} with at least one item.
absl::StatusOr<std::vector<std::string>> ParseCheckpointAnswer(const nlohmann::json& body);

// "https://<address>:<port>" of the node's kubelet: its InternalIP, else
// its Hostname, else its name (status.addresses of a v1 Node).
std::string KubeletUrlForNode(const nlohmann::json& node, int port);

class KubeletCheckpointer {
 public:
  // `kubelet` carries the kubelet's URL and the credentials; `timeout` is
  // the kubelet's own limit per container, and the request's limit a
  // minute beyond it. InvalidArgument for a config without a server.
  static absl::StatusOr<std::unique_ptr<KubeletCheckpointer>> Create(
      kube::ClientConfig kubelet, absl::Duration timeout);

  // One container. FailedPrecondition "kubelet without the checkpoint
  // feature (ContainerCheckpoint gate)" when the kubelet has no such
  // endpoint (404, 405) or says the gate is off; FailedPrecondition when
  // the runtime cannot checkpoint; PermissionDenied without
  // nodes/checkpoint; the client's errors otherwise, each naming the
  // container.
  absl::StatusOr<std::vector<std::string>> CheckpointContainer(const PodRef& pod,
                                                               std::string_view container);

  // Every container of `pod` at once; one result per container, in the
  // pod's order.
  std::vector<ContainerCheckpoint> CheckpointPod(const PodInfo& pod);

 private:
  KubeletCheckpointer(std::unique_ptr<kube::Client> client, absl::Duration timeout)
      : client_(std::move(client)), timeout_(timeout) {}

  const std::unique_ptr<kube::Client> client_;
  const absl::Duration timeout_;
};

}  // namespace gpulet::checkpoint

#endif  // GPULET_CHECKPOINT_KUBELET_CHECKPOINT_H_

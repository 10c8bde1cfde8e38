// The scheduler hand-off of the device plugin (--scheduler-handoff):
// what runs beside the Manager when it is on — the Kubernetes client, the
// node annotation publisher, the pod watcher feeding the GrantLedger, and
// the queue that records served containers on the pods.
//
// Off by default, so the plugin stays a drop-in for NVIDIA's. Needs
// NODE_NAME and Kubernetes access (--kubeconfig, $KUBECONFIG, in-cluster).
//
// Not thread-safe: built and stopped on the main thread; its parts are
// thread-safe.
#ifndef GPULET_NODE_PLUGIN_HANDOFF_H_
#define GPULET_NODE_PLUGIN_HANDOFF_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "config/environment.h"
#include "kube/watch.h"
#include "plugin/grant_ledger.h"
#include "plugin/handoff_backend.h"
#include "plugin/kube_handoff_api.h"
#include "plugin/node_gpu_publisher.h"
#include "plugin/pod_decision_feed.h"
#include "plugin/pod_patch_queue.h"

namespace gpulet::node {

class PluginHandoff {
 public:
  // Connects to the API server and starts the pod watcher, the publisher
  // and the patch queue. InvalidArgument without a node name;
  // FailedPrecondition when no Kubernetes configuration is found.
  static absl::StatusOr<std::unique_ptr<PluginHandoff>> Start(
      const std::string& node, const std::string& kubeconfig, const Environment& env,
      plugin::NodeGpuPublisher::HealthSource health);
  ~PluginHandoff() { Stop(); }

  // For the backends (NodeResourceSource::set_handoff).
  plugin::HandoffContext Context();
  plugin::NodeGpuPublisher& publisher() { return *publisher_; }

  // Ends the watcher, the publisher and the queue, in that order.
  void Stop();

 private:
  PluginHandoff() = default;

  std::unique_ptr<plugin::KubeHandoffApi> api_;
  std::shared_ptr<plugin::GrantLedger> ledger_ = std::make_shared<plugin::GrantLedger>();
  std::shared_ptr<plugin::PodDecisionFeed> feed_;
  std::unique_ptr<plugin::PodPatchQueue> patches_;
  std::unique_ptr<plugin::NodeGpuPublisher> publisher_;
  std::unique_ptr<kube::Watcher> watcher_;
};

}  // namespace gpulet::node

#endif  // GPULET_NODE_PLUGIN_HANDOFF_H_

#include "node/plugin_handoff.h"

#include "absl/strings/str_cat.h"
#include "base/absl_format.h"
#include "base/status_macros.h"
#include "spdlog/spdlog.h"

namespace gpulet::node {

absl::StatusOr<std::unique_ptr<PluginHandoff>> PluginHandoff::Start(
    const std::string& node, const std::string& kubeconfig, const Environment& env,
    plugin::NodeGpuPublisher::HealthSource health) {
  if (node.empty()) {
    return absl::InvalidArgumentError(
        "--scheduler-handoff needs the node's name in env NODE_NAME (the downward API's "
        "spec.nodeName)");
  }
  ASSIGN_OR_RETURN(kube::ClientConfig config, kube::ResolveClientConfig(kubeconfig, env));
  std::unique_ptr<PluginHandoff> out(new PluginHandoff());
  ASSIGN_OR_RETURN(out->api_, plugin::KubeHandoffApi::Create(config));
  out->feed_ = std::make_shared<plugin::PodDecisionFeed>(node, out->ledger_);
  out->patches_ = std::make_unique<plugin::PodPatchQueue>(out->api_.get());
  plugin::NodeGpuPublisherOptions options;
  options.node = node;
  out->publisher_ =
      std::make_unique<plugin::NodeGpuPublisher>(out->api_.get(), options, std::move(health));
  kube::WatchOptions watch;
  watch.resource = "pods";
  watch.options.field_selector = plugin::NodePodsSelector(node);
  std::shared_ptr<plugin::PodDecisionFeed> feed = out->feed_;
  out->watcher_ = std::make_unique<kube::Watcher>(
      &out->api_->client(), watch, [feed](kube::WatchEventType type, const nlohmann::json& pod) {
        feed->Event(kube::WatchEventTypeName(type), pod);
      });
  out->watcher_->Start();
  spdlog::info("Scheduler hand-off on for node {} (API server {})", node, config.server);
  return out;
}

plugin::HandoffContext PluginHandoff::Context() {
  plugin::HandoffContext context;
  context.ledger = ledger_;
  plugin::PodPatchQueue* patches = patches_.get();
  context.served = [patches](const plugin::GrantClaim& claim) { patches->Served(claim); };
  plugin::KubeHandoffApi* api = api_.get();
  std::shared_ptr<plugin::PodDecisionFeed> feed = feed_;
  // A decision may reach the kubelet before the watch event reaches us:
  // one quick LIST before falling back (bounded by the API's list timeout).
  context.refresh = [api, feed] {
    absl::StatusOr<std::vector<nlohmann::json>> pods = api->ListNodePods(feed->node());
    if (pods.ok()) {
      feed->Replace(*pods);
    } else {
      spdlog::warn("Listing the pods of node {}: {}", feed->node(), pods.status());
    }
  };
  return context;
}

void PluginHandoff::Stop() {
  if (watcher_ != nullptr) watcher_->Stop();
  if (publisher_ != nullptr) publisher_->Stop();
  if (patches_ != nullptr) patches_->Stop();
}

}  // namespace gpulet::node

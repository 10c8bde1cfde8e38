#include "plugin/kube_handoff_api.h"

#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"
#include "base/status_macros.h"

namespace gpulet::plugin {

std::string NodePodsSelector(std::string_view node) {
  return absl::StrCat("spec.nodeName=", AsAbsl(node));
}

absl::StatusOr<std::unique_ptr<KubeHandoffApi>> KubeHandoffApi::Create(
    const kube::ClientConfig& config, absl::Duration list_timeout) {
  ASSIGN_OR_RETURN(std::unique_ptr<kube::Client> client, kube::Client::Create(config));
  kube::ClientConfig quick_config = config;
  quick_config.request_timeout = list_timeout;
  quick_config.max_attempts = 1;
  ASSIGN_OR_RETURN(std::unique_ptr<kube::Client> quick, kube::Client::Create(quick_config));
  return std::unique_ptr<KubeHandoffApi>(new KubeHandoffApi(std::move(client), std::move(quick)));
}

absl::Status KubeHandoffApi::PatchNodeAnnotations(std::string_view node,
                                                  const AnnotationPatch& patch) {
  return client_->PatchNodeAnnotations(node, patch);
}

absl::Status KubeHandoffApi::PatchPodAnnotations(std::string_view ns, std::string_view name,
                                                 const AnnotationPatch& patch) {
  return client_->PatchPodAnnotations(ns, name, patch);
}

absl::StatusOr<std::vector<nlohmann::json>> KubeHandoffApi::ListNodePods(std::string_view node) {
  kube::ListOptions options;
  options.field_selector = NodePodsSelector(node);
  ASSIGN_OR_RETURN(kube::ObjectList list, quick_->ListPods("", options));
  return std::move(list.items);
}

}  // namespace gpulet::plugin

#include "labels/node_feature_kube.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"
#include "base/status_macros.h"
#include "kube/client_config.h"

namespace gpulet::labels {

absl::StatusOr<KubeNodeFeatureStore> KubeNodeFeatureStore::Open(std::string_view kubeconfig,
                                                                const Environment& env) {
  ASSIGN_OR_RETURN(kube::ClientConfig config, kube::ResolveClientConfig(kubeconfig, env));
  ASSIGN_OR_RETURN(std::unique_ptr<kube::Client> client, kube::Client::Create(config));
  return KubeNodeFeatureStore(std::shared_ptr<kube::Client>(std::move(client)));
}

std::string KubeNodeFeatureStore::CollectionPath(std::string_view ns) {
  return absl::StrCat("/apis/", kNodeFeatureApiVersion, "/namespaces/",
                      AsAbsl(ns), "/nodefeatures");
}

absl::StatusOr<nlohmann::json> KubeNodeFeatureStore::Get(std::string_view ns,
                                                         std::string_view name) {
  return client_->GetObject(
      absl::StrCat(CollectionPath(ns), "/", AsAbsl(name)));
}

absl::Status KubeNodeFeatureStore::Create(std::string_view ns, const nlohmann::json& object) {
  return client_->CreateObject(CollectionPath(ns), object).status();
}

absl::Status KubeNodeFeatureStore::Replace(std::string_view ns, std::string_view name,
                                           const nlohmann::json& object) {
  return client_
      ->ReplaceObject(
          absl::StrCat(CollectionPath(ns), "/", AsAbsl(name)),
          object)
      .status();
}

absl::StatusOr<nlohmann::json> KubeNodeFeatureStore::OwnerReferences(std::string_view ns,
                                                                     std::string_view pod) {
  ASSIGN_OR_RETURN(nlohmann::json object, client_->GetPod(ns, pod));
  const nlohmann::json metadata = object.value("metadata", nlohmann::json::object());
  nlohmann::json owners = nlohmann::json::array();
  owners.push_back({{"apiVersion", "v1"},
                    {"kind", "Pod"},
                    {"name", metadata.value("name", std::string(pod))},
                    {"uid", metadata.value("uid", "")}});
  for (const nlohmann::json& owner :
       metadata.value("ownerReferences", nlohmann::json::array())) {
    if (owner.is_object() && owner.value("controller", false)) owners.push_back(owner);
  }
  return owners;
}

}  // namespace gpulet::labels

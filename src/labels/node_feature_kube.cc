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
  return PodOwnerReferences(object, pod);
}

nlohmann::json PodOwnerReferences(const nlohmann::json& pod, std::string_view pod_name) {
  // nlohmann's value() throws on a member of another type; the pod is
  // outside input, so each member's type is checked instead.
  auto member = [](const nlohmann::json& object, const char* key) -> const nlohmann::json* {
    if (!object.is_object()) return nullptr;
    auto it = object.find(key);
    return it != object.end() ? &*it : nullptr;
  };
  auto string_or = [&](const nlohmann::json* object, const char* key, std::string fallback) {
    const nlohmann::json* value = object != nullptr ? member(*object, key) : nullptr;
    return value != nullptr && value->is_string() ? value->get<std::string>() : fallback;
  };
  const nlohmann::json* metadata = member(pod, "metadata");
  nlohmann::json owners = nlohmann::json::array();
  owners.push_back({{"apiVersion", "v1"},
                    {"kind", "Pod"},
                    {"name", string_or(metadata, "name", std::string(pod_name))},
                    {"uid", string_or(metadata, "uid", "")}});
  const nlohmann::json* references =
      metadata != nullptr ? member(*metadata, "ownerReferences") : nullptr;
  if (references == nullptr || !references->is_array()) return owners;
  for (const nlohmann::json& owner : *references) {
    const nlohmann::json* controller = member(owner, "controller");
    if (controller != nullptr && controller->is_boolean() && controller->get<bool>()) {
      owners.push_back(owner);
    }
  }
  return owners;
}

}  // namespace gpulet::labels

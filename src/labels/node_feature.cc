#include "labels/node_feature.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"

namespace gpulet::labels {
namespace {

// Empty or absent, as the API server may store an empty features struct
// either way.
bool IsEmptyFeatures(const nlohmann::json& features) {
  if (features.is_null()) return true;
  if (!features.is_object()) return false;
  for (const auto& [key, value] : features.items()) {
    if (!value.is_null() && !value.empty()) return false;
  }
  return true;
}

}  // namespace

std::string NodeFeatureName(std::string_view node_name) {
  return absl::StrCat("nvidia-features-for-", AsAbsl(node_name));
}

nlohmann::json NodeFeatureObject(const NodeFeatureTarget& target, const LabelMap& labels) {
  nlohmann::json metadata = {
      {"name", NodeFeatureName(target.node_name)},
      {"namespace", target.namespace_},
      {"labels", {{kNodeFeatureNodeNameLabel, target.node_name}}},
  };
  if (!target.owner_references.empty()) {
    metadata["ownerReferences"] = target.owner_references;
  }
  return {
      {"apiVersion", kNodeFeatureApiVersion},
      {"kind", kNodeFeatureKind},
      {"metadata", std::move(metadata)},
      {"spec",
       {{"features",
         {{"attributes", nlohmann::json::object()},
          {"flags", nlohmann::json::object()},
          {"instances", nlohmann::json::object()}}},
        {"labels", labels}}},
  };
}

bool NodeFeatureHasLabels(const nlohmann::json& existing, const LabelMap& labels) {
  const nlohmann::json spec = existing.value("spec", nlohmann::json::object());
  if (!spec.is_object() || !IsEmptyFeatures(spec.value("features", nlohmann::json()))) {
    return false;
  }
  const nlohmann::json have = spec.value("labels", nlohmann::json::object());
  if (!have.is_object() || have.size() != labels.size()) return false;
  for (const auto& [key, value] : labels) {
    auto it = have.find(key);
    if (it == have.end() || !it->is_string() || it->get<std::string>() != value) return false;
  }
  return true;
}

std::string NodeFeatureWriter::Describe() const {
  return absl::StrCat("NodeFeature ", target_.namespace_, "/",
                      NodeFeatureName(target_.node_name));
}

absl::StatusOr<bool> NodeFeatureWriter::Update(const LabelMap& labels, WallTime /*now*/) {
  const std::string name = NodeFeatureName(target_.node_name);
  nlohmann::json object = NodeFeatureObject(target_, labels);
  absl::StatusOr<nlohmann::json> existing = store_.Get(target_.namespace_, name);
  if (absl::IsNotFound(existing.status())) {
    if (absl::Status created = store_.Create(target_.namespace_, object); !created.ok()) {
      return absl::Status(created.code(),
                          absl::StrCat("creating ", Describe(), ": ", created.message()));
    }
    return true;
  }
  if (!existing.ok()) {
    return absl::Status(existing.status().code(), absl::StrCat("reading ", Describe(), ": ",
                                                               existing.status().message()));
  }
  if (NodeFeatureHasLabels(*existing, labels)) return false;
  // Keep what others keep in the object's metadata (annotations, finalizers,
  // the resourceVersion precondition); replace labels and spec.
  nlohmann::json updated = *existing;
  updated["metadata"]["labels"][kNodeFeatureNodeNameLabel] = target_.node_name;
  if (!target_.owner_references.empty()) {
    updated["metadata"]["ownerReferences"] = target_.owner_references;
  }
  updated["spec"] = object["spec"];
  if (absl::Status replaced = store_.Replace(target_.namespace_, name, updated);
      !replaced.ok()) {
    return absl::Status(replaced.code(),
                        absl::StrCat("updating ", Describe(), ": ", replaced.message()));
  }
  return true;
}

}  // namespace gpulet::labels

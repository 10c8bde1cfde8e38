#include "checkpoint/pod_lookup.h"

#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"
#include "checkpoint/cgroup_identity.h"

namespace gpulet::checkpoint {

absl::StatusOr<PodRef> ParsePodRef(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size() ||
      text.find('/', slash + 1) != std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("pod \"", AsAbsl(text), "\": expected NAMESPACE/NAME"));
  }
  return PodRef{std::string(text.substr(0, slash)), std::string(text.substr(slash + 1))};
}

namespace {

absl::StatusOr<PodInfo> ReadPodInfo(const PodRef& ref, const nlohmann::json& pod) {
  PodInfo info;
  info.ref = ref;
  const nlohmann::json* uid = nullptr;
  if (pod.contains("metadata") && pod["metadata"].is_object()) {
    auto it = pod["metadata"].find("uid");
    if (it != pod["metadata"].end() && it->is_string()) uid = &*it;
  }
  if (uid == nullptr || uid->get<std::string>().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("pod ", ref.ToString(), ": no metadata.uid"));
  }
  info.uid = uid->get<std::string>();
  const nlohmann::json spec = pod.value("spec", nlohmann::json::object());
  info.node_name = spec.value("nodeName", "");
  const nlohmann::json containers = spec.value("containers", nlohmann::json::array());
  if (!containers.is_array() || containers.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("pod ", ref.ToString(), ": no spec.containers"));
  }
  for (const nlohmann::json& c : containers) {
    if (c.is_object() && c.value("name", "") != "") info.containers.push_back(c["name"]);
  }
  const nlohmann::json status = pod.value("status", nlohmann::json::object());
  for (const nlohmann::json& c : status.value("containerStatuses", nlohmann::json::array())) {
    if (!c.is_object()) continue;
    // A container not started yet has no id; it has no processes either.
    absl::StatusOr<std::string> id = NormalizeContainerRef(c.value("containerID", ""));
    if (id.ok()) info.container_ids.push_back(*std::move(id));
  }
  return info;
}

}  // namespace

absl::StatusOr<PodInfo> PodInfoFromObject(const PodRef& ref, const nlohmann::json& pod) {
  // The API server's objects are trusted in shape but not in detail: a
  // field of an unexpected type is a clear error, not an exception.
  try {
    return ReadPodInfo(ref, pod);
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("pod ", ref.ToString(), ": ", e.what()));
  }
}

absl::StatusOr<PodInfo> LookUpPod(kube::Client& client, const PodRef& ref) {
  absl::StatusOr<nlohmann::json> pod = client.GetPod(ref.ns, ref.name);
  if (!pod.ok()) {
    if (pod.status().code() == absl::StatusCode::kNotFound) {
      return absl::NotFoundError(absl::StrCat("pod ", ref.ToString(), " not found"));
    }
    return pod.status();
  }
  return PodInfoFromObject(ref, *pod);
}

}  // namespace gpulet::checkpoint

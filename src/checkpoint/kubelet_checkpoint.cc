#include "checkpoint/kubelet_checkpoint.h"

#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/json_fields.h"
#include "base/absl_string_view.h"

namespace gpulet::checkpoint {
namespace {

// What a kubelet without the feature answers: no route (404 with Go's
// "404 page not found"; a 404 with another text is the kubelet's own "pod
// does not exist" or "container ... does not exist"), a route for other
// methods only (405), or a message about the gate.
bool LacksFeature(const absl::Status& status) {
  absl::string_view message = status.message();
  if (status.code() == absl::StatusCode::kNotFound) {
    return absl::StrContains(message, "page not found");
  }
  return absl::StrContains(message, "HTTP 405") ||
         absl::StrContains(message, "ContainerCheckpoint") ||
         absl::StrContains(message, "feature gate");
}

// containerd before 2.0 and runtimes without CRIU answer Unimplemented.
bool RuntimeCannot(const absl::Status& status) {
  absl::string_view message = status.message();
  return absl::StrContains(message, "Unimplemented") ||
         absl::StrContains(message, "not implemented");
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ParseCheckpointAnswer(const nlohmann::json& body) {
  std::vector<std::string> archives;
  const nlohmann::json* items = nullptr;
  if (body.is_object()) {
    auto it = body.find("items");
    if (it != body.end() && it->is_array()) items = &*it;
  }
  if (items != nullptr) {
    for (const nlohmann::json& item : *items) {
      if (!item.is_string()) {
        archives.clear();
        break;
      }
      archives.push_back(item.get<std::string>());
    }
  }
  if (archives.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "kubelet answer ", body.dump(), ": expected {\"items\": [\"<archive path>\", ...]}"));
  }
  return archives;
}

std::string KubeletUrlForNode(const nlohmann::json& node, int port) {
  std::string internal_ip, hostname;
  if (const nlohmann::json* addresses = JsonAt(node, {"status", "addresses"});
      addresses != nullptr && addresses->is_array()) {
    for (const nlohmann::json& a : *addresses) {
      const std::string type = StringAt(a, {"type"});
      std::string* slot = type == "InternalIP" ? &internal_ip
                          : type == "Hostname" ? &hostname
                                               : nullptr;
      if (slot != nullptr && slot->empty()) *slot = StringAt(a, {"address"});
    }
  }
  std::string address = !internal_ip.empty() ? internal_ip
                        : !hostname.empty()  ? hostname
                                             : StringAt(node, {"metadata", "name"});
  if (address.find(':') != std::string::npos) address = "[" + address + "]";  // IPv6
  return absl::StrCat("https://", address, ":", port);
}

absl::StatusOr<std::unique_ptr<KubeletCheckpointer>> KubeletCheckpointer::Create(
    kube::ClientConfig kubelet, absl::Duration timeout) {
  // CRIU writes all of a container's memory, GPU memory included, to disk:
  // the request must outlast the kubelet's own limit.
  kubelet.request_timeout = timeout + absl::Minutes(1);
  absl::StatusOr<std::unique_ptr<kube::Client>> client = kube::Client::Create(kubelet);
  if (!client.ok()) return client.status();
  return std::unique_ptr<KubeletCheckpointer>(
      new KubeletCheckpointer(*std::move(client), timeout));
}

absl::StatusOr<std::vector<std::string>> KubeletCheckpointer::CheckpointContainer(
    const PodRef& pod, std::string_view container) {
  const std::string path =
      absl::StrCat("/checkpoint/", pod.ns, "/", pod.name, "/", AsAbsl(container),
                   "?timeout=", absl::ToInt64Seconds(timeout_));
  const std::string what =
      absl::StrCat("checkpoint of ", pod.ToString(), " container ", AsAbsl(container));
  absl::StatusOr<nlohmann::json> answer = client_->CreateObject(path, nlohmann::json::object());
  if (!answer.ok()) {
    const absl::Status& status = answer.status();
    if (LacksFeature(status)) {
      return absl::FailedPreconditionError(
          absl::StrCat(what, ": kubelet without the checkpoint feature (ContainerCheckpoint "
                       "gate): ", status.message()));
    }
    if (RuntimeCannot(status)) {
      return absl::FailedPreconditionError(absl::StrCat(
          what, ": the container runtime cannot checkpoint (CRI CheckpointContainer): ",
          status.message()));
    }
    return absl::Status(status.code(), absl::StrCat(what, ": ", status.message()));
  }
  absl::StatusOr<std::vector<std::string>> archives = ParseCheckpointAnswer(*answer);
  if (!archives.ok()) {
    return absl::InternalError(absl::StrCat(what, ": ", archives.status().message()));
  }
  return archives;
}

std::vector<ContainerCheckpoint> KubeletCheckpointer::CheckpointPod(const PodInfo& pod) {
  std::vector<ContainerCheckpoint> results(pod.containers.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < pod.containers.size(); ++i) {
    results[i].container = pod.containers[i];
    threads.emplace_back([this, &pod, &result = results[i]] {
      absl::StatusOr<std::vector<std::string>> archives =
          CheckpointContainer(pod.ref, result.container);
      if (archives.ok()) {
        result.archives = *std::move(archives);
      } else {
        result.status = archives.status();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  return results;
}

}  // namespace gpulet::checkpoint

// PodInfo: what `gpulet checkpoint` needs to know of a pod from the API
// server: its UID (its cgroup is named after it), its node, its
// containers' names (for the kubelet's checkpoint API) and their CRI ids
// (their cgroups are named after them).
//
// Free functions; thread-safe as kube::Client is.
#ifndef GPULET_CHECKPOINT_POD_LOOKUP_H_
#define GPULET_CHECKPOINT_POD_LOOKUP_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "kube/client.h"
#include "nlohmann/json.hpp"

namespace gpulet::checkpoint {

struct PodRef {
  std::string ns;
  std::string name;
  std::string ToString() const { return ns + "/" + name; }
};

struct PodInfo {
  PodRef ref;
  std::string uid;
  std::string node_name;                   // "" while unscheduled
  std::vector<std::string> containers;     // spec.containers[].name, in order
  std::vector<std::string> container_ids;  // of the containers that have one, bare ids
};

// "NAMESPACE/NAME". InvalidArgument quoting the text otherwise.
absl::StatusOr<PodRef> ParsePodRef(std::string_view text);

// The fields above from a v1 Pod object. InvalidArgument naming the pod and
// the field when metadata.uid or spec.containers is missing.
absl::StatusOr<PodInfo> PodInfoFromObject(const PodRef& ref, const nlohmann::json& pod);

// GET of the pod, then PodInfoFromObject. NotFound naming the pod when it
// does not exist; the client's errors otherwise.
absl::StatusOr<PodInfo> LookUpPod(kube::Client& client, const PodRef& ref);

}  // namespace gpulet::checkpoint

#endif  // GPULET_CHECKPOINT_POD_LOOKUP_H_

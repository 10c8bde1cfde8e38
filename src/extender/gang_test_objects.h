// Pods and PodGroups of gangs and queues for the extender's tests.
#ifndef GPULET_EXTENDER_GANG_TEST_OBJECTS_H_
#define GPULET_EXTENDER_GANG_TEST_OBJECTS_H_

#include <string>

#include "extender/test_objects.h"
#include "nlohmann/json.hpp"

namespace gpulet::extender::testing {

// A pod of gpulet's annotation group `group` (minMember `min_member`),
// asking `gpus` whole GPUs; `queue` sets gpulet.io/queue.
inline nlohmann::json GangPod(const std::string& name, int gpus,
                              const std::string& group, int min_member,
                              const std::string& queue = "") {
  nlohmann::json pod = PodObject(name, gpus);
  nlohmann::json& annotations = pod["metadata"]["annotations"];
  annotations["gpulet.io/group"] = group;
  annotations["gpulet.io/group-min-member"] = std::to_string(min_member);
  if (!queue.empty()) annotations["gpulet.io/queue"] = queue;
  pod["metadata"]["creationTimestamp"] = "2026-01-01T00:00:00Z";
  pod["status"]["phase"] = "Pending";
  return pod;
}

// A pod in no group with gpulet.io/queue `queue`.
inline nlohmann::json QueuePod(const std::string& name, int gpus,
                               const std::string& queue) {
  nlohmann::json pod = PodObject(name, gpus);
  pod["metadata"]["annotations"]["gpulet.io/queue"] = queue;
  pod["status"]["phase"] = "Pending";
  return pod;
}

// A Volcano PodGroup (scheduling.volcano.sh/v1beta1).
inline nlohmann::json VolcanoPodGroup(const std::string& name, int min_member,
                                      const std::string& queue = "default") {
  return {{"apiVersion", "scheduling.volcano.sh/v1beta1"},
          {"kind", "PodGroup"},
          {"metadata",
           {{"name", name},
            {"namespace", "default"},
            {"uid", "pg-" + name},
            {"resourceVersion", "1"}}},
          {"spec", {{"minMember", min_member}, {"queue", queue}}}};
}

// A pod of the Volcano PodGroup `group`.
inline nlohmann::json VolcanoPod(const std::string& name, int gpus,
                                 const std::string& group) {
  nlohmann::json pod = PodObject(name, gpus);
  pod["metadata"]["annotations"]["scheduling.k8s.io/group-name"] = group;
  pod["metadata"]["creationTimestamp"] = "2026-01-01T00:00:00Z";
  pod["status"]["phase"] = "Pending";
  return pod;
}

}  // namespace gpulet::extender::testing

#endif  // GPULET_EXTENDER_GANG_TEST_OBJECTS_H_

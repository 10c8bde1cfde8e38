// Builders of v1.Node / v1.Pod JSON and a fake ClusterApi for the
// extender's tests. Test-only.
#ifndef GPULET_EXTENDER_TEST_OBJECTS_H_
#define GPULET_EXTENDER_TEST_OBJECTS_H_

#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "extender/cluster_api.h"
#include "extender/cluster_model.h"
#include "handoff/annotations.h"
#include "handoff/node_gpus.h"
#include "nlohmann/json.hpp"

namespace gpulet::extender::testing {

// A node with `gpus` GPUs of `memory_mib` each (uuid GPU-<name>-<i>);
// `unhealthy` lists GPU indices reported unhealthy.
inline nlohmann::json NodeObject(const std::string& name, int gpus,
                                 int64_t memory_mib = 81920,
                                 std::vector<int> unhealthy = {}) {
  std::vector<handoff::NodeGpu> list;
  for (int i = 0; i < gpus; ++i) {
    bool bad = std::find(unhealthy.begin(), unhealthy.end(), i) !=
               unhealthy.end();
    list.push_back({absl::StrCat("GPU-", name, "-", i), i, "NVIDIA H100",
                    memory_mib, !bad, 0});
  }
  nlohmann::json node = {
      {"metadata", {{"name", name}, {"annotations", nlohmann::json::object()}}},
      {"status", {{"allocatable", {{"cpu", "64"}, {"memory", "256Gi"}}}}}};
  if (gpus > 0) {
    node["metadata"]["annotations"][std::string(handoff::kNodeGpusAnnotation)] =
        handoff::EncodeNodeGpus(list);
  }
  return node;
}

// A pod whose one container asks `gpus` nvidia.com/gpu plus, when set,
// gpulet.io/gpu-milli and gpulet.io/gpu-memory.
inline nlohmann::json PodObject(const std::string& name, int gpus,
                                int milli = 0, int64_t memory_mib = 0,
                                const std::string& cpu = "1") {
  nlohmann::json limits = {{std::string(handoff::kWholeGpuResource),
                            std::to_string(gpus)}};
  if (milli > 0) {
    limits[std::string(handoff::kGpuMilliResource)] = std::to_string(milli);
  }
  if (memory_mib > 0) {
    limits[std::string(handoff::kGpuMemoryResource)] =
        std::to_string(memory_mib);
  }
  return {{"metadata",
           {{"name", name}, {"namespace", "default"}, {"uid", "uid-" + name}}},
          {"spec",
           {{"containers",
             {{{"name", "main"},
               {"resources",
                {{"limits", limits},
                 {"requests", {{"cpu", cpu}, {"memory", "1Gi"}}}}}}}}}}};
}

// Records patches and bindings; fails them on demand. Knows the pods given
// to AddPod (or put in `pods`); a binding sets the stored pod's nodeName.
class FakeClusterApi : public ClusterApi {
 public:
  // Stores `pod` under its metadata.namespace/name, as the API server has
  // every pod kube-scheduler filters.
  void AddPod(const nlohmann::json& pod) {
    std::lock_guard<std::mutex> lock(mu_);
    const nlohmann::json& metadata = pod.at("metadata");
    pods[absl::StrCat(metadata.value("namespace", "default"), "/",
                      metadata.value("name", ""))] = pod;
  }

  absl::StatusOr<nlohmann::json> GetPod(std::string_view ns,
                                        std::string_view name) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!get_error.ok()) return get_error;
    auto it = pods.find(absl::StrCat(std::string(ns), "/", std::string(name)));
    if (it == pods.end()) return absl::NotFoundError("no such pod");
    return it->second;
  }
  absl::Status PatchPodAnnotations(std::string_view ns, std::string_view name,
                                   const AnnotationChanges& changes) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!patch_error.ok()) return patch_error;
    std::string key = absl::StrCat(std::string(ns), "/", std::string(name));
    for (const auto& [k, v] : changes) {
      if (v) patched[key][k] = *v;
    }
    calls.push_back("patch " + key);
    return absl::OkStatus();
  }
  absl::Status CreateBinding(std::string_view ns, std::string_view name,
                             std::string_view, std::string_view node) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!bind_error.ok()) return bind_error;
    std::string key = absl::StrCat(std::string(ns), "/", std::string(name));
    bound[key] = std::string(node);
    if (auto it = pods.find(key); it != pods.end()) {
      it->second["spec"]["nodeName"] = std::string(node);
    }
    calls.push_back("bind " + key);
    return absl::OkStatus();
  }

  std::mutex mu_;
  absl::Status get_error, patch_error, bind_error;
  std::map<std::string, nlohmann::json> pods;
  std::map<std::string, std::map<std::string, std::string>> patched;
  std::map<std::string, std::string> bound;
  std::vector<std::string> calls;
};

// Milli-GPU the model's ledger holds over every node. The snapshot is held
// for the loop: a temporary's would be freed before the loop ran.
inline int64_t UsedGpuMilli(ClusterModel& model) {
  std::shared_ptr<const sched::Snapshot> snapshot = model.ledger().snapshot();
  int64_t used = 0;
  for (const auto& node : snapshot->nodes) used += node->gpu_used_total();
  return used;
}

}  // namespace gpulet::extender::testing

#endif  // GPULET_EXTENDER_TEST_OBJECTS_H_

// Builders of PendingPods for the hand-off tests.
//
// Test-only; plain functions.
#ifndef GPULET_PLUGIN_TESTING_PENDING_PODS_H_
#define GPULET_PLUGIN_TESTING_PENDING_PODS_H_

#include <string>
#include <vector>

#include "plugin/pending_pod.h"

namespace gpulet::plugin::testing {

// "GPU-<index>": the UUIDs the hand-off tests use.
inline std::string Uuid(int index) { return "GPU-" + std::to_string(index); }

inline handoff::GpuGrant Whole(int index) { return {Uuid(index), index, 1000, 0}; }
inline handoff::GpuGrant Share(int index, int milli, int64_t memory_mib) {
  return {Uuid(index), index, milli, memory_mib};
}

// A pod "default/<name>" (uid "uid-<name>") decided at `time` for node
// "n1", with one container grant per entry of `containers`.
inline PendingPod MakePod(const std::string& name, int64_t time,
                          std::vector<std::vector<handoff::GpuGrant>> containers,
                          int allocated = 0) {
  PendingPod pod;
  pod.ns = "default";
  pod.name = name;
  pod.uid = "uid-" + name;
  pod.decision.node = "n1";
  pod.decision.time_unix = time;
  for (size_t i = 0; i < containers.size(); ++i) {
    pod.decision.containers.push_back({"c" + std::to_string(i), std::move(containers[i])});
  }
  pod.allocated = allocated;
  return pod;
}

}  // namespace gpulet::plugin::testing

#endif  // GPULET_PLUGIN_TESTING_PENDING_PODS_H_

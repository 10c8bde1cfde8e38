// NodeGpu: one GPU of a node as the device plugin publishes it in the
// gpulet.io/gpus node annotation, for the scheduler extender to place pods
// on. The annotation is JSON with sorted keys and GPUs in index order, so it
// changes only when the node's GPUs or their health do:
//
//   {"gpus":[{"health":"Healthy","index":0,"memoryMiB":81559,
//             "model":"NVIDIA H100 80GB HBM3","numa":0,"uuid":"GPU-..."}],
//    "version":1}
//
// Plain values and pure functions; thread-safe.
#ifndef GPULET_HANDOFF_NODE_GPUS_H_
#define GPULET_HANDOFF_NODE_GPUS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace gpulet::handoff {

struct NodeGpu {
  std::string uuid;
  int index = 0;
  std::string model;
  int64_t memory_mib = 0;
  bool healthy = true;
  int numa_node = -1;  // -1: unknown

  friend bool operator==(const NodeGpu&, const NodeGpu&) = default;
};

// The annotation value for `gpus`, sorted by index.
std::string EncodeNodeGpus(std::vector<NodeGpu> gpus);

// The GPUs of an annotation value, sorted by index. InvalidArgument naming
// the field for invalid JSON, an unknown version, a missing or mistyped
// field, an unknown health value or a repeated UUID or index.
absl::StatusOr<std::vector<NodeGpu>> DecodeNodeGpus(std::string_view annotation);

}  // namespace gpulet::handoff

#endif  // GPULET_HANDOFF_NODE_GPUS_H_

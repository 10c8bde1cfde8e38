// Helpers for sched tests: small hand-made nodes and pods.
#ifndef GPULET_SCHED_TEST_CLUSTER_H_
#define GPULET_SCHED_TEST_CLUSTER_H_

#include <initializer_list>
#include <vector>

#include "sched/node_state.h"
#include "sched/policy.h"

namespace gpulet::sched::testing {

// A node with the given free milli-GPU per GPU (capacity 1000 each), free CPU
// and memory equal to capacity minus `cpu_used`/`memory_used`.
inline NodeState MakeNode(std::initializer_list<int32_t> gpu_free,
                          int64_t cpu = 64000, int model = 0,
                          int64_t memory = 256 * 1024) {
  NodeState node = *NodeState::Idle(cpu, memory,
                                    static_cast<int>(gpu_free.size()), model);
  int g = 0;
  for (int32_t free : gpu_free) {
    node.gpu_free[g] = free;
    if (free < kMilliPerGpu) {
      node.gpu_pods[g] = 1;
      ++node.class_pods[0];
    }
    ++g;
  }
  return node;
}

inline PodRequest Pod(int64_t cpu, int gpus, int milli, ModelMask models = 0,
                      int64_t memory = 1024) {
  return PodRequest{cpu, memory, gpus, milli, models};
}

// Pointers to `nodes`, which must outlive the view.
inline std::vector<const NodeState*> View(const std::vector<NodeState>& nodes) {
  std::vector<const NodeState*> view;
  for (const NodeState& node : nodes) view.push_back(&node);
  return view;
}

}  // namespace gpulet::sched::testing

#endif  // GPULET_SCHED_TEST_CLUSTER_H_

// Ways to pick the GPUs for a pod inside a chosen node. Free functions over a
// NodeState; each returns a mask that satisfies ValidGpuChoice when
// Fits(node, pod) holds, and 0 for a CPU-only pod.
#ifndef GPULET_SCHED_GPU_CHOICE_H_
#define GPULET_SCHED_GPU_CHOICE_H_

#include "sched/node_state.h"
#include "sched/policy.h"

namespace gpulet::sched {

// Whole-GPU pods: the lowest-indexed GPUs that fit (all fully free GPUs are
// alike). Sharing pods: the fitting GPU with the least free milli-GPU, lowest
// index on ties (the artifact's best-fit GPU selection).
GpuMask BestFitGpus(const NodeState& node, const PodRequest& pod);

// As BestFitGpus, but a sharing pod takes the fitting GPU with the most free.
GpuMask WorstFitGpus(const NodeState& node, const PodRequest& pod);

// As BestFitGpus, but a sharing pod takes a uniformly random fitting GPU.
GpuMask RandomFitGpus(const NodeState& node, const PodRequest& pod, Rng& rng);

}  // namespace gpulet::sched

#endif  // GPULET_SCHED_GPU_CHOICE_H_

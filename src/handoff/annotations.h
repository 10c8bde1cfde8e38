// The names gpulet's scheduler extender and device plugin agree on: the
// annotations that carry a node's GPUs and a pod's placement decision from
// one to the other, and the resource names a pod asks for GPUs with.
//
// The hand-off, in order:
//   1. the device plugin patches kNodeGpusAnnotation on its node whenever
//      the node's GPUs or their health change;
//   2. the extender decides a pod's node and GPUs, patches the pod with
//      kDecisionAnnotation, kBindPhaseAnnotation = "allocating" and
//      kBindTimeAnnotation, and only then creates the Binding;
//   3. the device plugin's Allocate serves the decision's containers in
//      order, counting them in kAllocatedContainersAnnotation, and sets
//      kBindPhaseAnnotation to "success" after the last one ("failed" when
//      it cannot serve it).
#ifndef GPULET_HANDOFF_ANNOTATIONS_H_
#define GPULET_HANDOFF_ANNOTATIONS_H_

#include <string_view>

namespace gpulet::handoff {

inline constexpr std::string_view kNodeGpusAnnotation = "gpulet.io/gpus";
inline constexpr std::string_view kDecisionAnnotation = "gpulet.io/decision";
inline constexpr std::string_view kBindPhaseAnnotation = "gpulet.io/bind-phase";
inline constexpr std::string_view kBindTimeAnnotation = "gpulet.io/bind-time";
inline constexpr std::string_view kAllocatedContainersAnnotation =
    "gpulet.io/allocated-containers";

inline constexpr std::string_view kBindPhaseAllocating = "allocating";
inline constexpr std::string_view kBindPhaseSuccess = "success";
inline constexpr std::string_view kBindPhaseFailed = "failed";

// Whole GPUs, advertised by the device plugin as NVIDIA's plugin does.
inline constexpr std::string_view kWholeGpuResource = "nvidia.com/gpu";
// A share of each GPU asked for, in thousandths of one GPU (1..1000).
inline constexpr std::string_view kGpuMilliResource = "gpulet.io/gpu-milli";
// GPU memory asked for on each GPU, in MiB.
inline constexpr std::string_view kGpuMemoryResource = "gpulet.io/gpu-memory";

}  // namespace gpulet::handoff

#endif  // GPULET_HANDOFF_ANNOTATIONS_H_

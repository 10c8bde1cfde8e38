// GPU fragmentation of a node as the FGD paper defines it (Weng et al.,
// ATC'23): for a task shape m, the idle milli-GPU that m cannot use there —
// all of it when m needs no GPU, may not use the node's model, or does not
// fit (GPU or CPU); otherwise only the GPUs with less free than m asks — and
// F_n(M), its expectation over the target workload M. Pure functions.
//
// The resource-aware measure also counts the GPU that m could take by GPU
// alone but that the node's remaining CPU or memory cannot feed: when the
// node has GPUs for n_gpu pods of m, each on GPUs of its own, but CPU and
// memory (m's mean memory) for only n_res < n_gpu, the fraction
// 1 - n_res / n_gpu of the GPU m could use is fragment too. Where CPU and
// memory do not bind it equals the paper's.
#ifndef GPULET_SCHED_FRAGMENTATION_H_
#define GPULET_SCHED_FRAGMENTATION_H_

#include <cstdint>
#include <span>

#include "sched/target_workload.h"

namespace gpulet::sched {

// The free resources fragmentation looks at (memory only for the
// resource-aware measure).
struct FreeResources {
  int64_t cpu_free = 0;
  std::span<const int32_t> gpu_free;  // milli-GPU per GPU
  int model = -1;
  int64_t memory_free = 0;
};

enum class FragmentMeasure { kPaper, kResourceAware };

// F_n(m) in milli-GPU.
int64_t ShapeFragmentation(const FreeResources& node,
                           const WorkloadShape& shape);

// F_n(m) counting what CPU and memory leave unusable (see above).
int64_t ResourceAwareShapeFragmentation(const FreeResources& node,
                                        const WorkloadShape& shape);

// F_n(M) = sum over shapes of probability * F_n(m), in milli-GPU.
double NodeFragmentation(const FreeResources& node, const TargetWorkload& m,
                         FragmentMeasure measure = FragmentMeasure::kPaper);

}  // namespace gpulet::sched

#endif  // GPULET_SCHED_FRAGMENTATION_H_

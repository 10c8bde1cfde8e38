// PodRequest: what one pod asks of a node (CPU, memory, whole or shared GPUs,
// allowed GPU models). A small value type; copy it freely.
#ifndef GPULET_SCHED_POD_REQUEST_H_
#define GPULET_SCHED_POD_REQUEST_H_

#include <cstdint>

#include "sched/gpu_model_table.h"

namespace gpulet::sched {

inline constexpr int kMilliPerGpu = 1000;
inline constexpr int kMaxGpusPerNode = 8;

// GPU pods are grouped into classes for GpuClustering: class 0 shares one GPU,
// class k (1..8) takes k whole GPUs.
inline constexpr int kGpuClasses = kMaxGpusPerNode + 1;

struct PodRequest {
  int64_t cpu_milli = 0;
  int64_t memory_mib = 0;
  int gpu_count = 0;  // 0..kMaxGpusPerNode
  int gpu_milli = 0;  // per GPU, 1..1000 when gpu_count > 0, else 0
  ModelMask models = 0;  // 0 = any model

  bool uses_gpu() const { return gpu_count > 0; }
  bool is_sharing() const { return gpu_count == 1 && gpu_milli < kMilliPerGpu; }
  int64_t total_gpu_milli() const {
    return static_cast<int64_t>(gpu_count) * gpu_milli;
  }
  // -1 for a CPU-only pod, otherwise the GpuClustering class.
  int gpu_class() const {
    if (!uses_gpu()) return -1;
    return is_sharing() ? 0 : gpu_count;
  }
  bool AllowsModel(int model) const {
    return models == 0 || (model >= 0 && (models >> model) & 1u);
  }

  friend bool operator==(const PodRequest&, const PodRequest&) = default;
};

}  // namespace gpulet::sched

#endif  // GPULET_SCHED_POD_REQUEST_H_

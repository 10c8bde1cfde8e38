#include "sched/fragmentation.h"

#include <algorithm>
#include <limits>

namespace gpulet::sched {
namespace {

bool ModelAllowed(ModelMask models, int model) {
  return models == 0 || (model >= 0 && (models >> model) & 1u);
}

}  // namespace

int64_t ShapeFragmentation(const FreeResources& node,
                           const WorkloadShape& shape) {
  int64_t total = 0;
  int64_t too_small = 0;
  int fitting = 0;
  for (int32_t free : node.gpu_free) {
    total += free;
    if (free >= shape.gpu_milli) {
      ++fitting;
    } else {
      too_small += free;
    }
  }
  if (shape.gpu_milli == 0 || !ModelAllowed(shape.models, node.model)) {
    return total;
  }
  if (fitting >= shape.gpu_count && node.cpu_free >= shape.cpu_milli) {
    return too_small;
  }
  return total;
}

int64_t ResourceAwareShapeFragmentation(const FreeResources& node,
                                        const WorkloadShape& shape) {
  int64_t paper = ShapeFragmentation(node, shape);
  if (shape.gpu_milli == 0 || !ModelAllowed(shape.models, node.model)) {
    return paper;
  }
  // Pods of m that could each take GPUs of their own. Sharing pods could
  // pack several per GPU, but counting those would call GPUs stranded that
  // the node's other tasks will use: a GPU is stranded for m only when the
  // CPU or memory cannot feed even one m there.
  int64_t total = 0;
  int64_t by_gpu = 0;
  for (int32_t free : node.gpu_free) {
    total += free;
    if (free >= shape.gpu_milli) ++by_gpu;
  }
  by_gpu /= std::max(shape.gpu_count, 1);
  if (paper == total || by_gpu == 0) return paper;  // m does not fit at all
  int64_t by_resources = std::numeric_limits<int64_t>::max();
  if (shape.cpu_milli > 0) by_resources = node.cpu_free / shape.cpu_milli;
  if (shape.memory_mib > 0) {
    by_resources = std::min(by_resources, node.memory_free / shape.memory_mib);
  }
  if (by_resources >= by_gpu) return paper;
  if (by_resources <= 0) return total;
  int64_t usable = total - paper;
  return total - usable * by_resources / by_gpu;
}

double NodeFragmentation(const FreeResources& node, const TargetWorkload& m,
                         FragmentMeasure measure) {
  double sum = 0;
  for (const WorkloadShape& shape : m.shapes()) {
    int64_t fragment = measure == FragmentMeasure::kPaper
                           ? ShapeFragmentation(node, shape)
                           : ResourceAwareShapeFragmentation(node, shape);
    sum += shape.probability * fragment;
  }
  return sum;
}

}  // namespace gpulet::sched

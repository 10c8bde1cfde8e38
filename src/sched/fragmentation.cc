#include "sched/fragmentation.h"

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

double NodeFragmentation(const FreeResources& node, const TargetWorkload& m) {
  double sum = 0;
  for (const WorkloadShape& shape : m.shapes()) {
    sum += shape.probability * ShapeFragmentation(node, shape);
  }
  return sum;
}

}  // namespace gpulet::sched

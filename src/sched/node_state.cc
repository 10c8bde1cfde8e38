#include "sched/node_state.h"

#include "absl/strings/str_cat.h"

namespace gpulet::sched {

absl::StatusOr<NodeState> NodeState::Idle(int64_t cpu_milli,
                                          int64_t memory_mib, int gpu_count,
                                          int model) {
  if (cpu_milli < 0 || memory_mib < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("negative capacity: cpu_milli=", cpu_milli,
                     " memory_mib=", memory_mib));
  }
  if (gpu_count < 0 || gpu_count > kMaxGpusPerNode) {
    return absl::InvalidArgumentError(absl::StrCat(
        "GPU count ", gpu_count, " outside 0..", kMaxGpusPerNode));
  }
  NodeState node;
  node.cpu_capacity = node.cpu_free = cpu_milli;
  node.memory_capacity = node.memory_free = memory_mib;
  node.gpu_count = gpu_count;
  node.model = gpu_count > 0 ? model : -1;
  for (int g = 0; g < gpu_count; ++g) node.gpu_free[g] = kMilliPerGpu;
  return node;
}

int64_t NodeState::gpu_free_total() const {
  int64_t total = 0;
  for (int g = 0; g < gpu_count; ++g) total += gpu_free[g];
  return total;
}

int NodeState::fully_free_gpus() const {
  return gpus_with_at_least(kMilliPerGpu);
}

int NodeState::gpus_with_at_least(int milli) const {
  int n = 0;
  for (int g = 0; g < gpu_count; ++g) n += gpu_free[g] >= milli;
  return n;
}

int NodeState::hosted_classes() const {
  int n = 0;
  for (int32_t count : class_pods) n += count > 0;
  return n;
}

bool Fits(const NodeState& node, const PodRequest& pod) {
  if (node.cpu_free < pod.cpu_milli || node.memory_free < pod.memory_mib) {
    return false;
  }
  if (!pod.uses_gpu()) return true;
  if (node.gpu_count < pod.gpu_count || !pod.AllowsModel(node.model)) {
    return false;
  }
  return node.gpus_with_at_least(pod.gpu_milli) >= pod.gpu_count;
}

bool ValidGpuChoice(const NodeState& node, const PodRequest& pod,
                    GpuMask gpus) {
  int chosen = 0;
  for (int g = 0; g < kMaxGpusPerNode; ++g) {
    if (!((gpus >> g) & 1u)) continue;
    if (g >= node.gpu_count || node.gpu_free[g] < pod.gpu_milli) return false;
    ++chosen;
  }
  return chosen == pod.gpu_count;
}

absl::Status Apply(NodeState& node, const PodRequest& pod, GpuMask gpus) {
  if (!Fits(node, pod) || !ValidGpuChoice(node, pod, gpus)) {
    return absl::FailedPreconditionError(
        absl::StrCat("pod (cpu ", pod.cpu_milli, ", ", pod.gpu_count, "x",
                     pod.gpu_milli, " milli-GPU) does not fit on GPUs mask ",
                     gpus));
  }
  node.cpu_free -= pod.cpu_milli;
  node.memory_free -= pod.memory_mib;
  for (int g = 0; g < node.gpu_count; ++g) {
    if (!((gpus >> g) & 1u)) continue;
    node.gpu_free[g] -= pod.gpu_milli;
    ++node.gpu_pods[g];
  }
  if (pod.uses_gpu()) ++node.class_pods[pod.gpu_class()];
  ++node.version;
  return absl::OkStatus();
}

absl::Status Release(NodeState& node, const PodRequest& pod, GpuMask gpus) {
  bool ok = node.cpu_free + pod.cpu_milli <= node.cpu_capacity &&
            node.memory_free + pod.memory_mib <= node.memory_capacity;
  int chosen = 0;
  for (int g = 0; g < kMaxGpusPerNode && ok; ++g) {
    if (!((gpus >> g) & 1u)) continue;
    ok = g < node.gpu_count && node.gpu_pods[g] > 0 &&
         node.gpu_free[g] + pod.gpu_milli <= kMilliPerGpu;
    ++chosen;
  }
  ok = ok && chosen == pod.gpu_count &&
       (!pod.uses_gpu() || node.class_pods[pod.gpu_class()] > 0);
  if (!ok) {
    return absl::FailedPreconditionError(
        "release exceeds the node's capacity: the pod is not placed there");
  }
  node.cpu_free += pod.cpu_milli;
  node.memory_free += pod.memory_mib;
  for (int g = 0; g < node.gpu_count; ++g) {
    if (!((gpus >> g) & 1u)) continue;
    node.gpu_free[g] += pod.gpu_milli;
    --node.gpu_pods[g];
  }
  if (pod.uses_gpu()) --node.class_pods[pod.gpu_class()];
  ++node.version;
  return absl::OkStatus();
}

}  // namespace gpulet::sched

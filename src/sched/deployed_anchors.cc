#include "sched/deployed_anchors.h"

#include <cmath>

namespace gpulet::sched {
namespace {

// Scores are compared as integers; keep six decimals of the real value.
int64_t Fixed(double score) { return std::llround(score * 1e6); }

double Fraction(double used, double capacity) {
  return capacity > 0 ? used / capacity : 0;
}

// kube-scheduler's NodeResourcesLeastAllocated over CPU and memory.
double LeastAllocated(const NodeState& node, const PodRequest& pod) {
  double cpu = Fraction(node.cpu_free - pod.cpu_milli, node.cpu_capacity);
  double memory =
      Fraction(node.memory_free - pod.memory_mib, node.memory_capacity);
  return 50 * (cpu + memory);
}

}  // namespace

int64_t HamiPolicy::Score(const NodeState& node, const PodRequest& pod) {
  if (!pod.uses_gpu()) return Fixed(LeastAllocated(node, pod));
  int64_t slots_used = pod.gpu_count;
  for (int g = 0; g < node.gpu_count; ++g) slots_used += node.gpu_pods[g];
  double slots = Fraction(slots_used, node.gpu_count * kSlotsPerGpu);
  double milli = Fraction(node.gpu_used_total() + pod.total_gpu_milli(),
                          node.gpu_count * kMilliPerGpu);
  double score = 10 * (slots + 2 * milli);  // cores and memory alike
  return Fixed(mode_ == Mode::kBinpack ? score : -score);
}

GpuMask HamiPolicy::ChooseGpus(const NodeState& node, const PodRequest& pod) {
  return mode_ == Mode::kBinpack ? BestFitGpus(node, pod)
                                 : WorstFitGpus(node, pod);
}

int64_t VolcanoBinpackPolicy::Score(const NodeState& node,
                                    const PodRequest& pod) {
  double sum = Fraction(node.cpu_capacity - node.cpu_free + pod.cpu_milli,
                        node.cpu_capacity) +
               Fraction(node.memory_capacity - node.memory_free +
                            pod.memory_mib,
                        node.memory_capacity);
  int resources = 2;
  double card = 0;
  if (pod.uses_gpu()) {
    sum += Fraction(node.gpu_used_total() + pod.total_gpu_milli(),
                    node.gpu_count * kMilliPerGpu);
    ++resources;
    GpuMask gpus = BestFitGpus(node, pod);
    for (int g = 0; g < node.gpu_count; ++g) {
      if ((gpus >> g) & 1u) {
        card += 100.0 * (kMilliPerGpu - node.gpu_free[g] + pod.gpu_milli) /
                kMilliPerGpu / pod.gpu_count;
      }
    }
  }
  return Fixed(100 * sum / resources + card);
}

}  // namespace gpulet::sched

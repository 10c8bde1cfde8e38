// A small synthetic trace for sched tests, which never read the published
// trace files: a mixed 24-node cluster and a workload in the shape of the
// Alibaba trace.
#ifndef GPULET_SCHED_TEST_TRACE_H_
#define GPULET_SCHED_TEST_TRACE_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "sched/trace.h"

namespace gpulet::sched::testing {

inline std::string SyntheticNodeCsv() {
  std::string csv = "sn,cpu_milli,memory_mib,gpu,model\n";
  for (int i = 0; i < 24; ++i) {
    const char* model = i % 3 == 0 ? "T4" : "G2";
    int gpus = i % 3 == 0 ? 2 : 8;
    absl::StrAppend(&csv, "node-", i, ",", gpus == 2 ? 64000 : 96000, ",",
                    262144, ",", gpus, ",", model, "\n");
  }
  return csv;
}

// `pods` pods cycling through shares, whole GPUs, multi-GPU and CPU-only.
inline std::string SyntheticPodCsv(int pods) {
  static constexpr int kMilli[] = {810, 470, 320, 1000, 650, 1000, 230, 0, 1000};
  static constexpr int kGpus[] = {1, 1, 1, 1, 1, 2, 1, 0, 4};
  std::string csv = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec\n";
  for (int i = 0; i < pods; ++i) {
    int s = (i * 7 + i / 9) % 9;
    const char* spec = i % 11 == 0 && kGpus[s] > 0 ? "G2" : "";
    absl::StrAppend(&csv, "pod-", 1000 + i, ",", 2000 + 1000 * (i % 6), ",",
                    4096, ",", kGpus[s], ",", kMilli[s], ",", spec, "\n");
  }
  return csv;
}

inline TraceCluster SyntheticCluster() {
  return *ParseNodeCsv(SyntheticNodeCsv(), "synthetic-nodes.csv");
}

inline TraceWorkload SyntheticWorkload(const TraceCluster& cluster,
                                       int pods = 150) {
  TraceWorkload w =
      *ParsePodCsv(SyntheticPodCsv(pods), "synthetic-pods.csv", cluster.models);
  w.name = "synthetic";
  return w;
}

}  // namespace gpulet::sched::testing

#endif  // GPULET_SCHED_TEST_TRACE_H_

// The Alibaba cluster-trace-gpu-v2023 ("openb") CSV files as a cluster and a
// workload: ParseNodeCsv/ParsePodCsv are pure functions over the text;
// LoadNodeFile/LoadPodFile read a file and call them.
//
// Node columns: sn,cpu_milli,memory_mib,gpu,model.
// Pod columns:  name,cpu_milli,memory_mib,num_gpu,gpu_milli[,gpu_spec,...]
// (extra columns are ignored; columns are found by header name).
//
// Every error is InvalidArgument (NotFound for a missing file) and names the
// file and line: a short or non-numeric field, a negative value, a GPU count
// over 8, a per-GPU share outside 1..1000 for a GPU pod (or a multi-GPU pod
// with a share below 1000), an unknown GPU model. Nothing partial is returned.
#ifndef GPULET_SCHED_TRACE_H_
#define GPULET_SCHED_TRACE_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "sched/gpu_model_table.h"
#include "sched/node_state.h"
#include "sched/pod_request.h"

namespace gpulet::sched {

struct TraceCluster {
  GpuModelTable models;
  std::vector<std::string> names;
  std::vector<NodeState> nodes;  // idle, in file order

  int64_t gpu_capacity_milli() const;
};

struct TraceWorkload {
  std::string name;                 // e.g. the file name without ".csv"
  std::vector<std::string> pod_names;
  std::vector<PodRequest> pods;     // sorted by pod name
};

absl::StatusOr<TraceCluster> ParseNodeCsv(absl::string_view text,
                                          absl::string_view file);

// GPU models in gpu_spec must exist in `models` (the cluster's).
absl::StatusOr<TraceWorkload> ParsePodCsv(absl::string_view text,
                                          absl::string_view file,
                                          const GpuModelTable& models);

absl::StatusOr<TraceCluster> LoadNodeFile(const std::string& path);
absl::StatusOr<TraceWorkload> LoadPodFile(const std::string& path,
                                          const GpuModelTable& models);

}  // namespace gpulet::sched

#endif  // GPULET_SCHED_TRACE_H_

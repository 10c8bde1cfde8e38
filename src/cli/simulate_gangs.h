// `gpulet simulate --workload gangs`: the gang/queue simulation
// (sched/gang_simulation.h) from the command line — flags for the
// synthetic workload's knobs, runs over policies and seeds on worker
// threads, and the table or JSON report of the seed means.
#ifndef GPULET_CLI_SIMULATE_GANGS_H_
#define GPULET_CLI_SIMULATE_GANGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sched/gang_simulation.h"
#include "sched/gang_workload.h"

namespace gpulet::cli {

// The workload knobs as typed; parsed and checked by GangOptionsFromFlags.
struct GangFlags {
  int jobs = 1000;
  double gang_share = 0.7;
  std::string job_pods = "1-16";
  std::string pod_gpus = "1,2,4,8";
  std::string queues = "research:3,batch:1";
  double arrival_rate = 0;
  double job_minutes = 30;
  double high_priority_share = 0.1;
  int synthetic_nodes = 64;
};

// Registers --gang-jobs, --gang-share, --job-pods, --pod-gpus, --queues,
// --arrival-rate, --job-minutes, --high-priority-share, --synthetic-nodes.
// `flags` must outlive `command`.
void AddGangFlags(CLI::App& command, GangFlags& flags);

// InvalidArgument naming the flag whose value is malformed or out of range.
absl::StatusOr<sched::GangWorkloadOptions> GangOptionsFromFlags(
    const GangFlags& flags, int64_t cluster_gpus);

struct GangRunPlan {
  std::string nodes;  // node CSV; empty = the synthetic cluster
  std::vector<std::string> policies = {"fgd-pods", "gpulet", "volcano"};
  std::vector<uint64_t> seeds;
  std::string format = "table";
  int threads = 1;
};

// Runs every (policy, seed) and prints the seed means to stdout.
absl::Status RunGangSimulation(const GangFlags& flags, const GangRunPlan& plan);

// The report of seed means, one entry per policy name (in `policies`
// order for the table; JSON objects sort their keys).
std::string FormatGangJson(const sched::GangWorkloadOptions& options,
                           const std::vector<uint64_t>& seeds,
                           const std::vector<std::string>& policies,
                           const std::vector<sched::GangRunResult>& means);
std::string FormatGangTable(const std::vector<std::string>& policies,
                            const std::vector<sched::GangRunResult>& means);

}  // namespace gpulet::cli

#endif  // GPULET_CLI_SIMULATE_GANGS_H_

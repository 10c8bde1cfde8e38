// Finding the CUDA processes among a set of pids, and the pids of a process
// tree.
//
// A process is a candidate only when its /proc/PID/maps maps the CUDA
// driver library: reading a file costs microseconds, and a process that
// never loaded libcuda cannot have CUDA state, so it costs no exec (upstream
// CRIU runs `cuda-checkpoint` once per process per phase, ~26 ms each).
// Candidates are confirmed with `--get-restore-tid` and their state read
// with `--get-state`, in parallel.
//
// Thread-safe (reads only). Standard library only (the CRIU plugin links it).
#ifndef GPULET_CHECKPOINT_CUDA_DISCOVERY_H_
#define GPULET_CHECKPOINT_CUDA_DISCOVERY_H_

#include <sys/types.h>

#include <vector>

#include "checkpoint/cuda_state.h"
#include "checkpoint/cuda_tool.h"
#include "checkpoint/host_reader.h"
#include "checkpoint/plain_status.h"

namespace gpulet::checkpoint {

// What discovery learned of one process.
struct DiscoveredProcess {
  pid_t pid = 0;
  pid_t restore_tid = 0;  // 0 unless a CUDA process
  // kNotCuda, or the tool's state; kUnknown when `status` is not OK
  // (NotFound: the process is gone; another code: the tool failed).
  CudaState state = CudaState::kUnknown;
  PlainStatus status;
};

// One entry per pid, in order: FindCudaProcesses, then ReadCudaStates.
std::vector<DiscoveredProcess> DiscoverCudaProcesses(const HostReader& reader,
                                                     const CudaTool& tool,
                                                     const std::vector<pid_t>& pids,
                                                     int parallelism);

// The first half of discovery: candidates confirmed with
// `--get-restore-tid`, which answers even while the process is stopped.
// A confirmed process keeps state kUnknown with an OK status until
// ReadCudaStates. `--get-state` waits for the process's restore thread,
// forever while a tracer holds it stopped (CRIU's restore), so a caller
// in that position lets the restore threads run in between.
std::vector<DiscoveredProcess> FindCudaProcesses(const HostReader& reader,
                                                 const CudaTool& tool,
                                                 const std::vector<pid_t>& pids,
                                                 int parallelism);

// The second half: `--get-state` of each process FindCudaProcesses
// confirmed, in parallel.
void ReadCudaStates(const CudaTool& tool, std::vector<DiscoveredProcess>& found,
                    int parallelism);

// `root` and all its descendants, root first then breadth-first, from the
// parent pids in /proc/*/stat. Processes that exit while it reads are left
// out; just {root} when /proc cannot be listed.
std::vector<pid_t> ListProcessTree(const HostReader& reader, pid_t root);

}  // namespace gpulet::checkpoint

#endif  // GPULET_CHECKPOINT_CUDA_DISCOVERY_H_

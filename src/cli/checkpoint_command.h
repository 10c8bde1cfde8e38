// `gpulet checkpoint`: move the CUDA state of a node's processes to host
// memory and back, freeing their GPUs while they stay alive, and checkpoint
// whole pods through the kubelet.
//
//   gpulet checkpoint suspend (--pid N | --container ID | --pod NS/NAME)
//                             [--host-root DIR] [--cuda-checkpoint PATH]
//                             [--timeout 10s] [--parallelism 64] [--kubeconfig F]
//   gpulet checkpoint resume  (same flags)
//   gpulet checkpoint status  (same flags)
//   (each also takes the node flags of `gpulet info`: --nvml-library,
//   --driver-root, ..., for the GPU memory column)
//   gpulet checkpoint pod NS/NAME [--kubelet-url URL] [--kubelet-port 10250] ...
//
// suspend locks, then checkpoints, every CUDA process of the target, all in
// parallel; on any failure every process is returned to running and the
// command names the one that failed. SIGINT, SIGTERM or SIGHUP during a
// suspend do not cut it short: it completes (or rolls back), then what was
// suspended is resumed and the exit code is 130. A gpulet killed outright
// leaves what it had locked for `resume`, which unlocks locked processes
// as well as checkpointed ones. status prints one row per process.
//
// Exit codes: cli/checkpoint_exit_code.h.
#ifndef GPULET_CLI_CHECKPOINT_COMMAND_H_
#define GPULET_CLI_CHECKPOINT_COMMAND_H_

#include <vector>

#include "CLI/CLI.hpp"
#include "checkpoint/process_checkpointer.h"
#include "cli/command.h"
#include "nvml/process_memory.h"

namespace gpulet::cli {

void AddCheckpointCommand(CLI::App& app, const CommandContext& context, CommandRunner& runner);

// The table `status`, `suspend` and `resume` print: PID, STATE, RESTORE
// TID, GPU MEMORY (what the driver says the process holds over all GPUs:
// "0 MiB" when it is on none, "?" when the driver cannot tell, "-" without
// `memory` or when a GPU could not be read) and the process's error, if any.
std::string RenderProcessReports(const std::vector<checkpoint::ProcessReport>& reports,
                                 const nvml::GpuMemoryReport* memory);

}  // namespace gpulet::cli

#endif  // GPULET_CLI_CHECKPOINT_COMMAND_H_

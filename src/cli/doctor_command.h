// `gpulet doctor`: the node readiness report (src/doctor/) — driver, GPUs
// and their health, the resources, labels and CDI devices the daemons
// would produce under the current config, the kubelet's sockets, the
// container runtime's CDI support and NFD's features.d — with a one-line
// fix for every problem.
//
//   gpulet doctor [device-plugin flags...] [--json] [--allocate N [--resource NAME]]
//                 [--host-root DIR] [--features-file F] [--containerd-config F]
//                 [--crio-config F]
//
// It takes every flag of `gpulet device-plugin` (and its environment
// variables), so running it with the DaemonSet's arguments merges the
// config exactly as the plugin does.
//
// Exit codes: 0 the node can serve GPUs (problems that leave it serving,
// such as one lost GPU of eight, are still printed as ✗); 1 it cannot;
// 2 bad flags.
#ifndef GPULET_CLI_DOCTOR_COMMAND_H_
#define GPULET_CLI_DOCTOR_COMMAND_H_

#include "CLI/CLI.hpp"
#include "cli/command.h"

namespace gpulet::cli {

void AddDoctorCommand(CLI::App& app, const CommandContext& context, CommandRunner& runner);

}  // namespace gpulet::cli

#endif  // GPULET_CLI_DOCTOR_COMMAND_H_

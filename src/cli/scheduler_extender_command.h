// `gpulet scheduler-extender`: the kube-scheduler extender. Watches nodes
// and pods, serves /filter, /prioritize, /bind, /healthz, /readyz and
// /metrics, and stops cleanly on SIGTERM or SIGINT.
#ifndef GPULET_CLI_SCHEDULER_EXTENDER_COMMAND_H_
#define GPULET_CLI_SCHEDULER_EXTENDER_COMMAND_H_

#include "CLI/CLI.hpp"
#include "cli/command.h"

namespace gpulet::cli {

void AddSchedulerExtenderCommand(CLI::App& app, const CommandContext& context,
                                 CommandRunner& runner);

}  // namespace gpulet::cli

#endif  // GPULET_CLI_SCHEDULER_EXTENDER_COMMAND_H_

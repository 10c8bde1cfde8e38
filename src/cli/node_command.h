// `gpulet node`: the node agent — device plugin, feature discovery and the
// node's CDI spec in one process on one NVML handle, with per-node config
// selection inside (docs/node.md).
#ifndef GPULET_CLI_NODE_COMMAND_H_
#define GPULET_CLI_NODE_COMMAND_H_

#include "CLI/CLI.hpp"
#include "cli/command.h"

namespace gpulet::cli {

void AddNodeCommand(CLI::App& app, const CommandContext& context, CommandRunner& runner);

}  // namespace gpulet::cli

#endif  // GPULET_CLI_NODE_COMMAND_H_

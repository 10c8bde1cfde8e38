// `gpulet info`: prints the node's GPU inventory, as a table or as JSON.
//
//   gpulet info [--json] [--nvml-library PATH] [--driver-root DIR] ...
//
// Exit codes: 0 printed; 1 no usable NVML (one line on stderr saying why,
// with the hint to use --nvml-library); 2 bad flags.
#ifndef GPULET_CLI_INFO_COMMAND_H_
#define GPULET_CLI_INFO_COMMAND_H_

#include <string>

#include "CLI/CLI.hpp"
#include "cli/command.h"
#include "inventory/inventory.h"

namespace gpulet::cli {

void AddInfoCommand(CLI::App& app, const CommandContext& context,
                    CommandRunner& runner);

// The human table `gpulet info` prints for `inventory`.
std::string RenderInfoText(const inventory::Inventory& inventory);

}  // namespace gpulet::cli

#endif  // GPULET_CLI_INFO_COMMAND_H_

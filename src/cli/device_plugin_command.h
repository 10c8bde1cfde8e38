// `gpulet device-plugin`: the kubelet device plugin, a drop-in for
// NVIDIA's nvidia-device-plugin with the same flags, env vars, config file,
// resource names and socket names (docs/device-plugin.md).
#ifndef GPULET_CLI_DEVICE_PLUGIN_COMMAND_H_
#define GPULET_CLI_DEVICE_PLUGIN_COMMAND_H_

#include "CLI/CLI.hpp"
#include "cli/command.h"

namespace gpulet::cli {

void AddDevicePluginCommand(CLI::App& app, const CommandContext& context,
                            CommandRunner& runner);

}  // namespace gpulet::cli

#endif  // GPULET_CLI_DEVICE_PLUGIN_COMMAND_H_

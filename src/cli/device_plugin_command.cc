#include "cli/device_plugin_command.h"

#include <signal.h>

#include <memory>

#include "base/absl_format.h"
#include "base/signals.h"
#include "cli/cdi_command.h"
#include "cli/device_plugin_flags.h"
#include "inventory/node_source.h"
#include "node/open_node_source.h"
#include "node/plugin_part.h"
#include "spdlog/spdlog.h"

namespace gpulet::cli {
namespace {

int RunDevicePlugin(const Environment& env, const DevicePluginFlagSet& flag_set) {
  // Before any thread exists, so that every thread inherits the mask and
  // the signals reach the Manager's loop only.
  absl::StatusOr<SignalWatcher> signals = SignalWatcher::Open({SIGTERM, SIGINT, SIGQUIT, SIGHUP});
  if (!signals.ok()) {
    spdlog::error("{}", signals.status());
    return 1;
  }
  node::PluginPartOptions options;
  options.flags = flag_set.Parsed();
  absl::StatusOr<DevicePluginOptions> plugin = flag_set.ResolveOnly(env);
  absl::StatusOr<Config> config = LoadConfig(options.flags, env, ConfigUser::kDevicePlugin);
  if (!plugin.ok() || !config.ok()) {
    spdlog::error("{}", plugin.ok() ? config.status() : plugin.status());
    return 2;
  }
  for (const std::string& warning : config->warnings) spdlog::warn("{}", warning);
  options.plugin = *std::move(plugin);
  options.cdi_extras = GeneratorExtras(env);
  absl::StatusOr<std::unique_ptr<inventory::NodeSource>> node = node::OpenNodeSource(*config);
  if (!node.ok()) {
    spdlog::error("{}", node.status());
    return 1;
  }
  std::unique_ptr<inventory::NodeSource> source = *std::move(node);
  // NVML shuts down with the NodeSource, once the servers are gone.
  options.on_stopped = [&source] { source.reset(); };
  absl::StatusOr<std::unique_ptr<node::PluginPart>> part =
      node::PluginPart::Create(&env, std::move(options), *std::move(config), source.get());
  if (!part.ok()) {
    spdlog::error("{}", part.status());
    return part.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }
  absl::Status status = (*part)->Run(&*signals);
  if (!status.ok()) spdlog::error("{}", status);
  return status.ok() ? 0 : 1;
}

}  // namespace

void AddDevicePluginCommand(CLI::App& app, const CommandContext& context,
                            CommandRunner& runner) {
  CLI::App* command = app.add_subcommand(
      "device-plugin", "kubelet device plugin (drop-in for nvidia-device-plugin)");
  auto flags = std::make_shared<DevicePluginFlagSet>(*command);
  const Environment* environment = context.environment;
  command->callback([&runner, flags, environment] {
    runner = [flags, environment] { return RunDevicePlugin(*environment, *flags); };
  });
}

}  // namespace gpulet::cli

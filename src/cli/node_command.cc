#include "cli/node_command.h"

#include <signal.h>

#include <memory>

#include "base/absl_format.h"
#include "base/signals.h"
#include "cli/cdi_command.h"
#include "cli/node_agent_flags.h"
#include "node/node_agent.h"
#include "spdlog/spdlog.h"

namespace gpulet::cli {
namespace {

int RunNode(const Environment& env, const NodeAgentFlagSet& flags) {
  // Before any thread exists, so that every thread inherits the mask.
  absl::StatusOr<SignalWatcher> signals = SignalWatcher::Open({SIGTERM, SIGINT, SIGQUIT, SIGHUP});
  if (!signals.ok()) {
    spdlog::error("{}", signals.status());
    return 1;
  }
  absl::StatusOr<node::NodeAgentOptions> options = flags.Resolve(env);
  if (!options.ok()) {
    spdlog::error("{}", options.status());
    return 2;
  }
  options->plugin.cdi_extras = GeneratorExtras(env);
  return node::RunNodeAgent(&env, *std::move(options), &*signals);
}

}  // namespace

void AddNodeCommand(CLI::App& app, const CommandContext& context, CommandRunner& runner) {
  CLI::App* command = app.add_subcommand(
      "node", "node agent: device plugin, feature discovery and CDI spec in one process");
  auto flags = std::make_shared<NodeAgentFlagSet>(*command);
  const Environment* environment = context.environment;
  command->callback([&runner, flags, environment] {
    runner = [flags, environment] { return RunNode(*environment, *flags); };
  });
}

}  // namespace gpulet::cli

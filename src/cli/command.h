// How a subcommand plugs into the `gpulet` command line.
//
// Each subcommand lives in its own file and exposes one function:
//
//   void AddInfoCommand(CLI::App& app, const CommandContext& context,
//                       CommandRunner& runner);
//
// It declares its flags on a new CLI11 subcommand and, when that subcommand
// is parsed, stores in `runner` the function that does the work. main()
// parses once and then calls the stored runner, so no work runs inside
// CLI11 callbacks and every subcommand returns an exit code.
#ifndef GPULET_CLI_COMMAND_H_
#define GPULET_CLI_COMMAND_H_

#include <functional>

#include "config/environment.h"

namespace gpulet::cli {

// What every subcommand may read besides its flags. Must outlive the run.
struct CommandContext {
  const Environment* environment;
};

// Set by the parsed subcommand; returns the process exit code.
using CommandRunner = std::function<int()>;

}  // namespace gpulet::cli

#endif  // GPULET_CLI_COMMAND_H_

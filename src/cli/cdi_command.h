// `gpulet cdi`: CDI specs for the node's NVIDIA GPUs, with the subcommands,
// flags and environment variables of `nvidia-ctk cdi`.
//
//   gpulet cdi generate [--output FILE] [--format json|yaml] [--mode ...] ...
//   gpulet cdi list [--spec-dir DIR]...
//   gpulet cdi validate FILE...
//   gpulet cdi transform root --from DIR --to DIR [--input F] [--output F]
//
// Exit codes: 0 done; 1 the node or a spec is not usable (one line on
// stderr saying why); 2 bad flags.
#ifndef GPULET_CLI_CDI_COMMAND_H_
#define GPULET_CLI_CDI_COMMAND_H_

#include "CLI/CLI.hpp"
#include "cdi/driver_extras.h"
#include "cli/command.h"
#include "config/environment.h"

namespace gpulet::cli {

// The generator's search settings from the process: $PATH as the binary
// dirs, $XDG_DATA_DIRS, and the running kernel's release. Shared by `cdi
// generate` and the device plugin's own spec.
cdi::ExtrasOptions GeneratorExtras(const Environment& env);

void AddCdiCommand(CLI::App& app, const CommandContext& context,
                   CommandRunner& runner);

}  // namespace gpulet::cli

#endif  // GPULET_CLI_CDI_COMMAND_H_

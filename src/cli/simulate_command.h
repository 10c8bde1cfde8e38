// `gpulet simulate`: replays an Alibaba GPU trace through scheduling policies
// with the FGD paper's protocol and reports GPU allocation per arrival level,
// optionally next to the paper's published numbers; with --workload gangs it
// runs the gang/queue simulation instead (simulate_gangs.h).
#ifndef GPULET_CLI_SIMULATE_COMMAND_H_
#define GPULET_CLI_SIMULATE_COMMAND_H_

#include <cstdint>
#include "absl/strings/string_view.h"
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "cli/command.h"

namespace gpulet::cli {

void AddSimulateCommand(CLI::App& app, const CommandContext& context,
                        CommandRunner& runner);

// "42-51" -> 42..51, "1,5,9" -> {1,5,9}, mixed "1,3-4" allowed.
// InvalidArgument naming the bad part.
absl::StatusOr<std::vector<uint64_t>> ParseSeeds(absl::string_view text);

}  // namespace gpulet::cli

#endif  // GPULET_CLI_SIMULATE_COMMAND_H_

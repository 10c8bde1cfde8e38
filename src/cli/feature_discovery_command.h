// `gpulet feature-discovery`: NVIDIA gpu-feature-discovery's drop-in. Labels
// the node's GPUs (nvidia.com/gpu.product, gpu.count, ...) into the NFD
// features.d file, or with --use-node-feature-api into the NodeFeature
// object nvidia-features-for-<node>, every --sleep-interval or once with
// --oneshot.
//
//   gpulet feature-discovery [--oneshot] [--sleep-interval 60s]
//       [--output-file PATH] [--mig-strategy none|single|mixed]
//       [--config-file FILE] [--no-timestamp] [--machine-type-file PATH]
//       [--use-node-feature-api --node-name NODE [--namespace NS]
//        [--kubeconfig FILE] [--pod-name POD]] ...
//
// Same flags, env vars (GFD_*, MIG_STRATEGY, CONFIG_FILE, ...) and config
// file as NVIDIA's GFD. SIGHUP reloads the config; SIGTERM/SIGINT/SIGQUIT
// remove the file (unless --oneshot or an infinite interval) and exit 0.
// Exit codes: 0 done; 1 NVML unusable with fail-on-init-error, or the
// labels cannot be published on the first pass; 2 bad flags or config
// (including the NodeFeature output without a node name).
#ifndef GPULET_CLI_FEATURE_DISCOVERY_COMMAND_H_
#define GPULET_CLI_FEATURE_DISCOVERY_COMMAND_H_

#include "CLI/CLI.hpp"
#include "cli/command.h"

namespace gpulet::cli {

void AddFeatureDiscoveryCommand(CLI::App& app, const CommandContext& context,
                                CommandRunner& runner);

}  // namespace gpulet::cli

#endif  // GPULET_CLI_FEATURE_DISCOVERY_COMMAND_H_

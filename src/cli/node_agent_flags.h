// The flags of `gpulet node`: the union of the device plugin's (NVIDIA's
// names), gpu-feature-discovery's output flags, the switches of the three
// parts, config-manager's per-node config flags and the CRIU plugin
// install, each with its environment variable (flag > env > default).
//
// Not thread-safe: used on the main thread while parsing.
#ifndef GPULET_CLI_NODE_AGENT_FLAGS_H_
#define GPULET_CLI_NODE_AGENT_FLAGS_H_

#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "cli/checkpoint_label_flags.h"
#include "cli/device_plugin_flags.h"
#include "cli/gfd_flags.h"
#include "config/environment.h"
#include "node/node_agent.h"

namespace gpulet::cli {

class NodeAgentFlagSet {
 public:
  explicit NodeAgentFlagSet(CLI::App& app);
  NodeAgentFlagSet(const NodeAgentFlagSet&) = delete;
  NodeAgentFlagSet& operator=(const NodeAgentFlagSet&) = delete;

  // Everything but the CDI generator's extras. InvalidArgument naming the
  // flag or variable for a bad boolean, duration or fallback strategy.
  absl::StatusOr<node::NodeAgentOptions> Resolve(const Environment& env) const;

 private:
  absl::StatusOr<node::NodeCheckpointOptions> ResolveCheckpoint(const Environment& env) const;
  DevicePluginFlagSet plugin_;
  GfdFlagSet gfd_;
  CheckpointLabelFlagSet checkpoint_label_;
  std::string device_plugin_, feature_discovery_, cdi_spec_;
  std::string srcdir_, label_, default_config_;
  std::vector<std::string> fallbacks_;
  std::string install_criu_plugin_, criu_plugin_;
  CLI::Option* device_plugin_option_;
  CLI::Option* feature_discovery_option_;
  CLI::Option* cdi_spec_option_;
  CLI::Option* srcdir_option_;
  CLI::Option* label_option_;
  CLI::Option* default_config_option_;
  CLI::Option* fallbacks_option_;
  CLI::Option* install_criu_plugin_option_;
  CLI::Option* criu_plugin_option_;
};

}  // namespace gpulet::cli

#endif  // GPULET_CLI_NODE_AGENT_FLAGS_H_

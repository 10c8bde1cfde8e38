// NodeAgent: `gpulet node` — the device plugin, feature discovery and the
// node's CDI spec as parts of one process, on one NVML handle and one
// stream of inventory snapshots, with the per-node config choice inside.
//
//   NodeSource (NVML, host files) ── opened once
//       │ inventory snapshots: the plugin's builds (start, rescan, reload),
//       │ or the agent's own rescan timer when the plugin part is off
//       ├─ PluginPart   gRPC servers, registration, health   (--device-plugin)
//       ├─ LabelLoop    features.d file or NodeFeature       (--feature-discovery)
//       └─ CDI writer   <cdi-spec-dir>/nvidia.yaml           (--cdi-spec)
//   ConfigSwitcher + NodeLabelWatch   (--config-file-srcdir): a new config
//       reloads every part, a bad one reloads none
//
// A new inventory reaches the CDI writer and the labels only when it
// differs from the last one, so the plugin's 30 s rescans cost nothing
// there. SIGHUP reloads every part; SIGTERM stops the plugin first (its
// sockets go), then the labels (the file is withdrawn), then NVML.
//
// Not thread-safe: Run() on the main thread.
#ifndef GPULET_NODE_NODE_AGENT_H_
#define GPULET_NODE_NODE_AGENT_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "base/signals.h"
#include "config/environment.h"
#include "node/checkpoint_part.h"
#include "node/config_selection.h"
#include "node/label_output.h"
#include "node/plugin_part.h"

namespace gpulet::node {

struct NodeAgentOptions {
  bool device_plugin = true;
  bool feature_discovery = true;
  bool cdi_spec = false;
  // Flags (all parts), the plugin's own settings, the CDI extras.
  PluginPartOptions plugin;
  NodeFeatureSettings node_feature;
  // Per-node config: set when --config-file-srcdir is given.
  std::optional<ConfigSelectionOptions> selection;
  std::string config_label = kDefaultConfigLabel;
  // The CRIU plugin install and the checkpoint label.
  NodeCheckpointOptions checkpoint;
};

// Runs until SIGTERM/SIGINT/SIGQUIT from `signals`. The exit code: 0 after
// a clean stop, 2 for unusable settings or config, 1 for other failures
// (NVML with --fail-on-init-error, the kubelet socket directory, ...).
int RunNodeAgent(const Environment* env, NodeAgentOptions options, SignalWatcher* signals);

}  // namespace gpulet::node

#endif  // GPULET_NODE_NODE_AGENT_H_

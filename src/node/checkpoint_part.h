// The node agent's part in GPU checkpointing: at start, the CRIU CUDA
// plugin copied into the host's CRIU plugin directory (--install-criu-plugin),
// and on every labelling pass the label gpulet.io/checkpoint.capable=true
// when the node can checkpoint GPU containers (checkpoint_capability.h).
// The label is absent otherwise, with one log line each time the reason
// changes, so a node that never will be capable says so once.
//
// CheckpointLabel is used by the labelling thread only; not thread-safe.
#ifndef GPULET_NODE_CHECKPOINT_PART_H_
#define GPULET_NODE_CHECKPOINT_PART_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "checkpoint/criu_plugin_install.h"
#include "hostfs/host_view.h"
#include "labels/labeler.h"

namespace gpulet::node {

struct NodeCheckpointOptions {
  // Where the host's "/" is visible to gpulet ("/host" in the chart).
  std::string host_root = "/";
  bool install_plugin = false;
  checkpoint::CriuPluginInstall plugin;
  std::string tool_path;  // cuda-checkpoint, a host path; "" to search
  std::string path_env;   // PATH, for that search
};

// The host view of `options`. InvalidArgument for a relative host root.
absl::StatusOr<hostfs::HostView> CheckpointHostView(const NodeCheckpointOptions& options);

// Installs the plugin when asked to; logs what it did, one line. OK when
// not asked. The errors of InstallCriuPlugin.
absl::Status InstallCheckpointPlugin(const NodeCheckpointOptions& options);

class CheckpointLabel {
 public:
  explicit CheckpointLabel(NodeCheckpointOptions options) : options_(std::move(options)) {}

  // {gpulet.io/checkpoint.capable: "true"} or nothing.
  labels::LabelMap Labels();

 private:
  const NodeCheckpointOptions options_;
  std::string last_reason_ = "-";  // what was last logged; "" when capable
};

}  // namespace gpulet::node

#endif  // GPULET_NODE_CHECKPOINT_PART_H_

// The flags of the gpulet.io/checkpoint.capable label's probes (--host-root,
// --criu-plugin-dir, --cuda-checkpoint, each with its environment variable),
// declared once for the two commands that label a node: `gpulet node` and
// `gpulet feature-discovery`.
//
// Not thread-safe: used on the main thread while parsing.
#ifndef GPULET_CLI_CHECKPOINT_LABEL_FLAGS_H_
#define GPULET_CLI_CHECKPOINT_LABEL_FLAGS_H_

#include <string>

#include "CLI/CLI.hpp"
#include "config/environment.h"
#include "node/checkpoint_part.h"

namespace gpulet::cli {

class CheckpointLabelFlagSet {
 public:
  explicit CheckpointLabelFlagSet(CLI::App& app);
  CheckpointLabelFlagSet(const CheckpointLabelFlagSet&) = delete;
  CheckpointLabelFlagSet& operator=(const CheckpointLabelFlagSet&) = delete;

  // Sets the host root, the plugin directory, the tool path and the PATH
  // the tool is searched in; leaves the install settings alone.
  void ResolveInto(const Environment& env, node::NodeCheckpointOptions& out) const;

 private:
  std::string criu_plugin_dir_, host_root_, cuda_checkpoint_;
  CLI::Option* criu_plugin_dir_option_;
  CLI::Option* host_root_option_;
  CLI::Option* cuda_checkpoint_option_;
};

}  // namespace gpulet::cli

#endif  // GPULET_CLI_CHECKPOINT_LABEL_FLAGS_H_

#include "cli/checkpoint_label_flags.h"

#include "cli/flag_or_env.h"

namespace gpulet::cli {

CheckpointLabelFlagSet::CheckpointLabelFlagSet(CLI::App& app) {
  criu_plugin_dir_option_ = app.add_option(
      "--criu-plugin-dir", criu_plugin_dir_,
      "CRIU's plugin directory on the host (env GPULET_CRIU_PLUGIN_DIR; default /usr/lib/criu)");
  host_root_option_ = app.add_option(
      "--host-root", host_root_,
      "where the host's / is visible, for the CRIU plugin directory and the checkpoint "
      "label's probes (env GPULET_HOST_ROOT; default /)");
  cuda_checkpoint_option_ = app.add_option(
      "--cuda-checkpoint", cuda_checkpoint_,
      "the cuda-checkpoint tool, a host path (env GPULET_CUDA_CHECKPOINT; default: PATH, then "
      "the driver root's bin directories)");
}

void CheckpointLabelFlagSet::ResolveInto(const Environment& env,
                                         node::NodeCheckpointOptions& out) const {
  out.plugin.plugin_dir = FlagOrEnv(criu_plugin_dir_option_, criu_plugin_dir_, env,
                                    "GPULET_CRIU_PLUGIN_DIR", out.plugin.plugin_dir);
  out.host_root = FlagOrEnv(host_root_option_, host_root_, env, "GPULET_HOST_ROOT", "/");
  out.tool_path =
      FlagOrEnv(cuda_checkpoint_option_, cuda_checkpoint_, env, "GPULET_CUDA_CHECKPOINT", "");
  out.path_env = env.Get("PATH").value_or("");
}

}  // namespace gpulet::cli

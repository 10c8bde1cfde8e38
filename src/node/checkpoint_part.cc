#include "node/checkpoint_part.h"

#include "base/absl_format.h"
#include "checkpoint/checkpoint_capability.h"
#include "spdlog/spdlog.h"

namespace gpulet::node {

absl::StatusOr<hostfs::HostView> CheckpointHostView(const NodeCheckpointOptions& options) {
  if (options.host_root == "/") return hostfs::HostView();
  return hostfs::HostView::AtPrefix(options.host_root);
}

absl::Status InstallCheckpointPlugin(const NodeCheckpointOptions& options) {
  if (!options.install_plugin) return absl::OkStatus();
  absl::StatusOr<hostfs::HostView> host = CheckpointHostView(options);
  if (!host.ok()) return host.status();
  absl::StatusOr<bool> written = checkpoint::InstallCriuPlugin(*host, options.plugin);
  if (!written.ok()) return written.status();
  spdlog::info("CRIU CUDA plugin {} {}/{}", *written ? "installed in" : "already current in",
               options.plugin.plugin_dir, checkpoint::kCriuPluginFileName);
  return absl::OkStatus();
}

labels::LabelMap CheckpointLabel::Labels() {
  absl::Status capable = absl::OkStatus();
  absl::StatusOr<hostfs::HostView> host = CheckpointHostView(options_);
  if (host.ok()) {
    checkpoint::CapabilityOptions probe;
    probe.host = *std::move(host);
    probe.plugin_dir = options_.plugin.plugin_dir;
    probe.tool_path = options_.tool_path;
    probe.path_env = options_.path_env;
    capable = checkpoint::ProbeCheckpointCapability(probe);
  } else {
    capable = host.status();
  }
  std::string reason(capable.message());
  if (reason != last_reason_) {
    if (capable.ok()) {
      spdlog::info("this node can checkpoint GPU containers: labelling {}=true",
                   checkpoint::kCheckpointCapableLabel);
    } else {
      spdlog::info("no {} label: {}", checkpoint::kCheckpointCapableLabel, capable);
    }
    last_reason_ = std::move(reason);
  }
  if (!capable.ok()) return {};
  return {{checkpoint::kCheckpointCapableLabel, "true"}};
}

}  // namespace gpulet::node

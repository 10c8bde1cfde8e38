#include "node/open_node_source.h"

#include "base/absl_format.h"
#include "spdlog/spdlog.h"

namespace gpulet::node {

absl::StatusOr<std::unique_ptr<inventory::NodeSource>> OpenNodeSource(const Config& config) {
  absl::StatusOr<inventory::NodeSource> node = inventory::NodeSource::Open(config.node);
  if (node.ok()) return std::make_unique<inventory::NodeSource>(*std::move(node));
  if (config.fail_on_init_error) return node.status();
  spdlog::error("{}; --fail-on-init-error=false: serving no devices", node.status());
  return nullptr;
}

}  // namespace gpulet::node

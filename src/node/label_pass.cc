#include "node/label_pass.h"

#include <iostream>

#include "base/absl_format.h"
#include "labels/gfd_labeler.h"
#include "labels/label_file.h"
#include "spdlog/spdlog.h"

namespace gpulet::node {

absl::StatusOr<labels::LabelMap> LabelNode(const inventory::NodeSource* node,
                                           std::shared_ptr<const Config> config,
                                           std::optional<labels::WallTime> timestamp) {
  std::shared_ptr<const inventory::Inventory> snapshot =
      std::make_shared<const inventory::Inventory>();
  hostfs::HostView host;
  if (node != nullptr) {
    absl::StatusOr<std::shared_ptr<const inventory::Inventory>> built = node->Snapshot();
    if (!built.ok()) return built.status();
    snapshot = *std::move(built);
    host = node->host().view();
  }
  if (snapshot->gpus.empty()) spdlog::warn("no GPUs found; only the timestamp is labelled");
  return labels::NewGfdLabeler({snapshot, std::move(config), host, timestamp})->Labels();
}

bool LabelPass(const inventory::NodeSource* node, std::shared_ptr<const Config> config,
               std::optional<labels::WallTime> timestamp, labels::LabelSink* sink,
               const labels::LabelMap& extra) {
  absl::StatusOr<labels::LabelMap> labels = LabelNode(node, std::move(config), timestamp);
  if (!labels.ok()) {
    spdlog::error("labelling failed: {}", labels.status());
    return false;
  }
  labels->insert(extra.begin(), extra.end());
  if (sink == nullptr) {
    std::cout << labels::RenderLabelFile(*labels, std::nullopt) << std::flush;
    return true;
  }
  absl::StatusOr<bool> written = sink->Update(*labels, std::chrono::system_clock::now());
  if (!written.ok()) {
    spdlog::error("{}", written.status());
    return false;
  }
  if (*written) spdlog::info("wrote {} labels to {}", labels->size(), sink->Describe());
  return true;
}

}  // namespace gpulet::node

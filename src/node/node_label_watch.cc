#include "node/node_label_watch.h"

#include "absl/strings/str_cat.h"

namespace gpulet::node {

std::optional<std::string> NodeLabelValue(const nlohmann::json& node, std::string_view label) {
  if (!node.is_object()) return std::nullopt;
  auto metadata = node.find("metadata");
  if (metadata == node.end() || !metadata->is_object()) return std::nullopt;
  auto labels = metadata->find("labels");
  if (labels == metadata->end() || !labels->is_object()) return std::nullopt;
  auto value = labels->find(std::string(label));
  if (value == labels->end() || !value->is_string()) return std::nullopt;
  return value->get<std::string>();
}

NodeLabelWatch::NodeLabelWatch(kube::Client* client, std::string node, std::string label,
                               Callback callback) {
  kube::WatchOptions options;
  options.resource = "nodes";
  options.options.field_selector = absl::StrCat("metadata.name=", node);
  watcher_ = std::make_unique<kube::Watcher>(
      client, options,
      [label = std::move(label), callback = std::move(callback)](kube::WatchEventType type,
                                                                 const nlohmann::json& object) {
        // A deleted Node takes its pods with it; nothing to switch to.
        if (type == kube::WatchEventType::kDeleted) return;
        callback(NodeLabelValue(object, label));
      });
}

}  // namespace gpulet::node

// NodeLabelWatch: follows one label of this node's Node object through a
// watch on that object alone (fieldSelector metadata.name=<node>), and
// reports each value it sees — nullopt when the label is absent — to its
// consumer (the ConfigSwitcher, which ignores repeats).
//
// Threading: the callback runs on the watcher's thread; Start() once,
// Stop() from the owner. The Client must outlive the watch.
#ifndef GPULET_NODE_NODE_LABEL_WATCH_H_
#define GPULET_NODE_NODE_LABEL_WATCH_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "kube/client.h"
#include "kube/watch.h"
#include "nlohmann/json.hpp"

namespace gpulet::node {

// The value of `label` on a Node object; nullopt when the object has no
// such label, or no labels, or is not an object.
std::optional<std::string> NodeLabelValue(const nlohmann::json& node, std::string_view label);

class NodeLabelWatch {
 public:
  using Callback = std::function<void(std::optional<std::string> value)>;
  NodeLabelWatch(kube::Client* client, std::string node, std::string label, Callback callback);

  void Start() { watcher_->Start(); }
  void Stop() { watcher_->Stop(); }

 private:
  std::unique_ptr<kube::Watcher> watcher_;
};

}  // namespace gpulet::node

#endif  // GPULET_NODE_NODE_LABEL_WATCH_H_

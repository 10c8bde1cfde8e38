// NodeEvents: Warning events on this node's Node object, where `kubectl
// describe node` shows them — how `gpulet node` tells an operator that a
// selected config was refused. The interface has two implementations: the
// API server's (KubeNodeEvents) and the tests' recorder.
//
// Thread-safe.
#ifndef GPULET_NODE_NODE_EVENTS_H_
#define GPULET_NODE_NODE_EVENTS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "kube/client.h"
#include "nlohmann/json.hpp"

namespace gpulet::node {

class NodeEvents {
 public:
  virtual ~NodeEvents() = default;
  // `reason` is CamelCase ("InvalidConfig"); `message` one line.
  virtual absl::Status Warning(std::string_view reason, std::string_view message) = 0;
};

// The core/v1 Event for `node`, as kubelet writes node events: namespace
// "default", named "<node>.<unique hex>", involvedObject kind Node, source
// component "gpulet-node". `now` is RFC 3339; `unique` makes the name.
nlohmann::json NodeWarningEvent(std::string_view node, std::string_view reason,
                                std::string_view message, std::string_view now,
                                uint64_t unique);

class KubeNodeEvents final : public NodeEvents {
 public:
  // `client` must outlive this.
  KubeNodeEvents(kube::Client* client, std::string node)
      : client_(client), node_(std::move(node)) {}

  // NodeEvents
  absl::Status Warning(std::string_view reason, std::string_view message) override;

 private:
  kube::Client* const client_;
  const std::string node_;
};

}  // namespace gpulet::node

#endif  // GPULET_NODE_NODE_EVENTS_H_

// One feature discovery pass: the node's labels from a fresh inventory
// snapshot and the config, published to a LabelSink (or printed). Shared
// by `gpulet feature-discovery` and the labelling loop of `gpulet node`.
//
// Thread-safe as NodeSource is; a sink is used by one thread at a time.
#ifndef GPULET_NODE_LABEL_PASS_H_
#define GPULET_NODE_LABEL_PASS_H_

#include <memory>
#include <optional>

#include "absl/status/statusor.h"
#include "config/config.h"
#include "inventory/node_source.h"
#include "labels/label_sink.h"
#include "labels/labeler.h"

namespace gpulet::node {

// `node` null (NVML unusable, --fail-on-init-error=false): the labels of a
// node without GPUs. `timestamp` nullopt for --no-timestamp. Errors: those
// of the inventory snapshot and the labeler.
absl::StatusOr<labels::LabelMap> LabelNode(const inventory::NodeSource* node,
                                           std::shared_ptr<const Config> config,
                                           std::optional<labels::WallTime> timestamp);

// LabelNode plus `extra` (labels of the node agent's own parts), then the
// sink's Update (stdout when `sink` is null). Logs what was written or what
// failed, one line; true when the pass succeeded.
bool LabelPass(const inventory::NodeSource* node, std::shared_ptr<const Config> config,
               std::optional<labels::WallTime> timestamp, labels::LabelSink* sink,
               const labels::LabelMap& extra = {});

}  // namespace gpulet::node

#endif  // GPULET_NODE_LABEL_PASS_H_

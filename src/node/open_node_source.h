// NVML opened once for a node process, with NVIDIA's --fail-on-init-error
// meaning: with it false, a node whose NVML cannot be loaded serves and
// labels nothing instead of crash-looping.
#ifndef GPULET_NODE_OPEN_NODE_SOURCE_H_
#define GPULET_NODE_OPEN_NODE_SOURCE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "config/config.h"
#include "inventory/node_source.h"

namespace gpulet::node {

// Null (logged, one line) when NVML cannot be opened and
// config.fail_on_init_error is false; otherwise NodeSource::Open's error.
absl::StatusOr<std::unique_ptr<inventory::NodeSource>> OpenNodeSource(const Config& config);

}  // namespace gpulet::node

#endif  // GPULET_NODE_OPEN_NODE_SOURCE_H_

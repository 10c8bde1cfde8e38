// The whole GFD label set of a node, composed like NVIDIA's GFD: the
// timestamp, the vGPU labels (from PCI config space), then (only when the
// node has GPUs) machine type, versions, mig.capable, mps.capable,
// per-resource labels, gpu.mode and gpu.clique.
//
// Thread-safe: the labeler holds immutable inputs; each Labels() call
// re-reads the host files (machine type, PCI class and config space) and
// nothing else, so a pass over a DGX costs well under a millisecond.
//
// Example:
//   auto labeler = NewGfdLabeler({.inventory = snapshot, .config = config,
//                                 .host = source.host().view(),
//                                 .timestamp = start_time});
//   ASSIGN_OR_RETURN(LabelMap labels, labeler->Labels());
#ifndef GPULET_LABELS_GFD_LABELER_H_
#define GPULET_LABELS_GFD_LABELER_H_

#include <chrono>
#include <memory>
#include <optional>

#include "config/config.h"
#include "hostfs/host_view.h"
#include "inventory/inventory.h"
#include "labels/labeler.h"

namespace gpulet::labels {

struct GfdLabelerInputs {
  std::shared_ptr<const inventory::Inventory> inventory;  // not null
  std::shared_ptr<const Config> config;                   // not null
  hostfs::HostView host;
  // gfd.timestamp (unix seconds); nullopt for --no-timestamp.
  std::optional<std::chrono::system_clock::time_point> timestamp;
};

// The label key GFD stamps with its start time.
inline constexpr char kTimestampLabel[] = "nvidia.com/gfd.timestamp";

std::unique_ptr<Labeler> NewGfdLabeler(GfdLabelerInputs inputs);

}  // namespace gpulet::labels

#endif  // GPULET_LABELS_GFD_LABELER_H_

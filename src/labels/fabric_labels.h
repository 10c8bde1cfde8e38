// gpu.clique: the NVLink domain and clique the node's GPUs belong to on
// multi-node NVLink systems (GB200 NVL72 and the like), which workloads
// that span nodes over NVLink (IMEX, compute domains) select on.
//
// Pure function of the Inventory; thread-safe.
#ifndef GPULET_LABELS_FABRIC_LABELS_H_
#define GPULET_LABELS_FABRIC_LABELS_H_

#include "inventory/inventory.h"
#include "labels/labeler.h"

namespace gpulet::labels {

inline constexpr char kCliqueLabel[] = "nvidia.com/gpu.clique";

// nvidia.com/gpu.clique=<cluster UUID>.<clique id> as NVIDIA's GFD labels
// it: only GPUs attached to the fabric count (registration completed
// without error); GPUs outside it (no fabric support, registration not
// started or in progress, failed) are skipped. No label when no GPU is
// attached. When attached GPUs disagree on the cluster or the clique the
// node belongs to no single clique: no label, and a warning naming the
// GPUs.
LabelMap FabricLabels(const inventory::Inventory& inventory);

}  // namespace gpulet::labels

#endif  // GPULET_LABELS_FABRIC_LABELS_H_

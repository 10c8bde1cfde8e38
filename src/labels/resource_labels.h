// The per-resource labels of GFD's catalogue: nvidia.com/gpu.{product,
// count,replicas,sharing-strategy,memory,family,compute.major,
// compute.minor} for full GPUs and, per MIG strategy, the MIG overrides
// (single) or nvidia.com/mig-<profile>.* labels (mixed), with the sharing
// replicas and "-SHARED" product suffix of the config.
//
// Keys are those of the resources the device plugin advertises for the same
// config ("nvidia.com/mig-1g.5gb.me" for profile 1g.5gb+me), so labels and
// capacity agree. Never fails: a MIG layout that the strategy cannot use
// gets NVIDIA's "-MIG-INVALID" labels, not an error.
//
// Pure function; thread-safe.
#ifndef GPULET_LABELS_RESOURCE_LABELS_H_
#define GPULET_LABELS_RESOURCE_LABELS_H_

#include <string>
#include <string_view>

#include "config/sharing.h"
#include "config/strategies.h"
#include "inventory/inventory.h"
#include "labels/labeler.h"

namespace gpulet::labels {

// GFD's family name for a CUDA compute capability ("hopper" for 9.0,
// "undefined" when unknown).
std::string_view ArchitectureFamily(int major, int minor);

// The resource name the device plugin uses for MIG profile `profile` under
// the mixed strategy: "nvidia.com/mig-" + profile with '+' as '.'.
std::string MigResourceName(std::string_view profile);

LabelMap ResourceLabels(const inventory::Inventory& inventory, MigStrategy strategy,
                        const Sharing& sharing);

}  // namespace gpulet::labels

#endif  // GPULET_LABELS_RESOURCE_LABELS_H_

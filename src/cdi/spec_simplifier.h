// Normal form of generated specs, as nvidia-ctk's simplifier makes it:
// each device holds only what the common edits do not already give it,
// entries appear once, and device nodes and mounts are ordered by path
// depth then name, so the same node always yields the same bytes.
//
// Thread-safe (pure functions).
#ifndef GPULET_CDI_SPEC_SIMPLIFIER_H_
#define GPULET_CDI_SPEC_SIMPLIFIER_H_

#include <vector>

#include "cdi/spec.h"

namespace gpulet::cdi {

// Removes repeated entries (the first copy stays) and sorts device nodes
// and mounts (by depth, then path) and additional gids.
void NormalizeEdits(ContainerEdits& edits);

// Normalizes every device and the common edits, and removes from each
// device the entries the common edits hold, unless that would leave the
// device empty (runtimes reject a device without edits).
void SimplifySpec(Spec& spec);

// The union of the edits of `devices`, normalized: the "all" device.
ContainerEdits MergeEdits(const std::vector<Device>& devices);

}  // namespace gpulet::cdi

#endif  // GPULET_CDI_SPEC_SIMPLIFIER_H_

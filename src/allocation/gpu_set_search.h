// BestGpuSet: the set of whole GPUs to give a container, found by search
// rather than greedily.
//
// Among all sets of `size` GPUs drawn from `available` that contain every
// `required` one, it picks the set with the highest sum of pairwise
// Topology scores; among equal sets, the one that leaves the best
// connections for later requests (the lowest score between chosen and
// remaining GPUs — so a 1-GPU request takes a lone GPU rather than half of
// an NVLink pair, NVIDIA #1193); then the lowest GPU indices. Depth-first
// search with an upper bound; exact for any node size in practice (16 GPUs
// choose 8 is 12,870 sets), with a greedy fallback past a node budget.
//
// Pure function; thread-safe.
#ifndef GPULET_ALLOCATION_GPU_SET_SEARCH_H_
#define GPULET_ALLOCATION_GPU_SET_SEARCH_H_

#include <vector>

#include "absl/status/statusor.h"
#include "allocation/topology.h"

namespace gpulet::allocation {

// GPU indices are Topology indices. Returns the chosen GPUs sorted.
// InvalidArgument when size < required, size > available, or a required or
// available index is out of range or repeated, or required ⊄ available.
absl::StatusOr<std::vector<int>> BestGpuSet(const Topology& topology,
                                            const std::vector<int>& available,
                                            const std::vector<int>& required,
                                            int size);

}  // namespace gpulet::allocation

#endif  // GPULET_ALLOCATION_GPU_SET_SEARCH_H_

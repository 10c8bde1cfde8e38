// The name NVIDIA gives a MIG device's profile: "1g.10gb", "1c.3g.40gb",
// "1g.10gb+me". Resource names (nvidia.com/mig-1g.10gb), GFD labels and
// CDI device names all derive from it, so it must match NVIDIA's exactly.
//
// Pure functions; thread-safe.
#ifndef GPULET_INVENTORY_MIG_PROFILE_NAME_H_
#define GPULET_INVENTORY_MIG_PROFILE_NAME_H_

#include <cstdint>
#include <optional>
#include <string>

namespace gpulet::inventory {

// The "<N>gb" of a profile: the MIG device's share of the GPU's memory
// rounded up to eighths, times the GPU's memory in whole GB (rounded up),
// rounded to the nearest GB. This is how NVIDIA turns 9856 MiB of an 80 GB
// H100 into "10gb" rather than "9gb".
uint64_t MigMemoryGb(uint64_t gpu_memory_bytes, uint64_t mig_memory_mib);

// `gi_profile_index` is the NVML_GPU_INSTANCE_PROFILE_* index the GPU
// instance was made from, when known: the REV1 variants carry the media
// extensions ("+me").
std::string MigProfileName(unsigned int gpu_instance_slices,
                           unsigned int compute_instance_slices,
                           uint64_t gpu_memory_bytes, uint64_t mig_memory_mib,
                           std::optional<unsigned int> gi_profile_index);

}  // namespace gpulet::inventory

#endif  // GPULET_INVENTORY_MIG_PROFILE_NAME_H_

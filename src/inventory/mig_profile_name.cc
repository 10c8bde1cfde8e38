#include "inventory/mig_profile_name.h"

#include <cmath>

#include "nvml/nvml_abi.h"

namespace gpulet::inventory {

uint64_t MigMemoryGb(uint64_t gpu_memory_bytes, uint64_t mig_memory_mib) {
  if (gpu_memory_bytes == 0) return 0;
  constexpr double kEighths = 8.0;
  constexpr uint64_t kGiB = uint64_t{1} << 30;
  double fraction = static_cast<double>(mig_memory_mib) * (1 << 20) /
                    static_cast<double>(gpu_memory_bytes);
  fraction = std::ceil(fraction * kEighths) / kEighths;
  double gpu_gb = static_cast<double>((gpu_memory_bytes + kGiB - 1) / kGiB);
  return static_cast<uint64_t>(std::llround(fraction * gpu_gb));
}

std::string MigProfileName(unsigned int gpu_instance_slices,
                           unsigned int compute_instance_slices,
                           uint64_t gpu_memory_bytes, uint64_t mig_memory_mib,
                           std::optional<unsigned int> gi_profile_index) {
  std::string name;
  if (compute_instance_slices != gpu_instance_slices) {
    name = std::to_string(compute_instance_slices) + "c.";
  }
  name += std::to_string(gpu_instance_slices) + "g." +
          std::to_string(MigMemoryGb(gpu_memory_bytes, mig_memory_mib)) + "gb";
  if (gi_profile_index == NVML_GPU_INSTANCE_PROFILE_1_SLICE_REV1 ||
      gi_profile_index == NVML_GPU_INSTANCE_PROFILE_2_SLICE_REV1) {
    name += "+me";
  }
  return name;
}

}  // namespace gpulet::inventory

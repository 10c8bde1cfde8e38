// MigProfileTable: the GPU instance profiles a MIG-capable GPU model offers,
// as `nvidia-smi mig -lgip` lists them (ids, slices, SMs, engines, memory)
// and where each may be placed.
//
// The tables are constants built into the mock; a machine profile names one
// ("h100-80gb") for each MIG-capable GPU. Immutable, so thread-safe.
#ifndef GPULET_MOCK_NVML_MIG_PROFILE_TABLE_H_
#define GPULET_MOCK_NVML_MIG_PROFILE_TABLE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gpulet::mock {

struct GpuInstanceProfileSpec {
  // NVML_GPU_INSTANCE_PROFILE_*: what a client passes to
  // nvmlDeviceGetGpuInstanceProfileInfo.
  uint32_t index = 0;
  // The profile id the driver reports (19 for 1g.10gb on an H100).
  uint32_t id = 0;
  std::string name;  // "1g.10gb", "1g.10gb+me"
  uint32_t slices = 0;
  uint32_t instance_count = 0;
  uint32_t multiprocessors = 0;
  uint32_t copy_engines = 0;
  uint32_t decoders = 0;
  uint32_t encoders = 0;
  uint32_t jpegs = 0;
  uint32_t ofas = 0;
  uint64_t memory_mib = 0;
  // Memory slices one instance occupies and where it may start.
  uint32_t placement_size = 0;
  std::vector<uint32_t> placement_starts;
};

struct MigProfileTable {
  std::string name;  // "h100-80gb"
  uint32_t memory_slices = 8;
  // SMs of a one-slice compute instance; a compute instance smaller than its
  // GPU instance gets this many per slice.
  uint32_t multiprocessors_per_slice = 0;
  std::vector<GpuInstanceProfileSpec> profiles;

  const GpuInstanceProfileSpec* FindByIndex(uint32_t index) const;
  const GpuInstanceProfileSpec* FindById(uint32_t id) const;
  const GpuInstanceProfileSpec* FindByName(std::string_view name) const;
};

// The table called `name`, or nullptr. Known: "a100-40gb", "a100-80gb",
// "h100-80gb".
const MigProfileTable* FindMigProfileTable(std::string_view name);

// NVML_COMPUTE_INSTANCE_PROFILE_* for a compute instance of `slices`
// slices, or -1 when there is none.
int ComputeInstanceProfileIndex(uint32_t slices);
// The inverse; 0 for an unknown index.
uint32_t ComputeInstanceSlices(uint32_t profile_index);

}  // namespace gpulet::mock

#endif  // GPULET_MOCK_NVML_MIG_PROFILE_TABLE_H_

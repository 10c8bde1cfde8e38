#include "mock/nvml/mig_profile_table.h"

#include "nvml/nvml_abi.h"

namespace gpulet::mock {
namespace {

// Placements of the standard profiles on an 8-memory-slice GPU: one-slice
// instances anywhere but the last slice, larger ones aligned, and the full
// GPU covering all eight slices.
const std::vector<uint32_t> kOneSliceStarts = {0, 1, 2, 3, 4, 5, 6};
const std::vector<uint32_t> kTwoSliceStarts = {0, 2, 4, 6};
const std::vector<uint32_t> kTwoSliceGiStarts = {0, 2, 4};
const std::vector<uint32_t> kThreeSliceStarts = {0, 4};
const std::vector<uint32_t> kZero = {0};

struct Engines {
  uint32_t ce, dec, enc, jpeg, ofa;
};

GpuInstanceProfileSpec Spec(uint32_t index, uint32_t id, std::string name,
                            uint32_t slices, uint32_t count, uint32_t sms,
                            Engines e, uint64_t mib, uint32_t placement_size,
                            const std::vector<uint32_t>& starts) {
  return GpuInstanceProfileSpec{index,  id,  std::move(name), slices, count,
                                sms,    e.ce, e.dec,          e.enc,  e.jpeg,
                                e.ofa,  mib, placement_size,  starts};
}

// Values as `nvidia-smi mig -lgip` reports them (memory in MiB).
MigProfileTable MakeA100(std::string name, uint64_t one_slice_mib) {
  const uint64_t m = one_slice_mib;
  // 4864 MiB per slice on the 40GB part and 9728 on the 80GB part; the
  // bigger instances are not exact multiples, as on the hardware.
  const uint64_t two = m == 4864 ? 9856 : 19968;
  const uint64_t four = m == 4864 ? 19968 : 40192;
  const uint64_t seven = m == 4864 ? 40192 : 81152;
  const std::string small = m == 4864 ? "5gb" : "10gb";
  const std::string mid = m == 4864 ? "10gb" : "20gb";
  const std::string big = m == 4864 ? "20gb" : "40gb";
  const std::string full = m == 4864 ? "40gb" : "80gb";
  MigProfileTable t;
  t.name = std::move(name);
  t.multiprocessors_per_slice = 14;
  t.profiles = {
      Spec(NVML_GPU_INSTANCE_PROFILE_1_SLICE, 19, "1g." + small, 1, 7, 14,
           {1, 0, 0, 0, 0}, m, 1, kOneSliceStarts),
      Spec(NVML_GPU_INSTANCE_PROFILE_1_SLICE_REV1, 20, "1g." + small + "+me",
           1, 1, 14, {1, 1, 0, 1, 1}, m, 1, kOneSliceStarts),
      Spec(NVML_GPU_INSTANCE_PROFILE_1_SLICE_REV2, 15, "1g." + mid, 1, 4, 14,
           {1, 1, 0, 0, 0}, two, 2, kTwoSliceStarts),
      Spec(NVML_GPU_INSTANCE_PROFILE_2_SLICE, 14, "2g." + mid, 2, 3, 28,
           {2, 1, 0, 0, 0}, two, 2, kTwoSliceGiStarts),
      Spec(NVML_GPU_INSTANCE_PROFILE_3_SLICE, 9, "3g." + big, 3, 2, 42,
           {3, 2, 0, 0, 0}, four, 4, kThreeSliceStarts),
      Spec(NVML_GPU_INSTANCE_PROFILE_4_SLICE, 5, "4g." + big, 4, 1, 56,
           {4, 2, 0, 0, 0}, four, 4, kZero),
      Spec(NVML_GPU_INSTANCE_PROFILE_7_SLICE, 0, "7g." + full, 7, 1, 98,
           {7, 5, 0, 1, 1}, seven, 8, kZero),
  };
  return t;
}

MigProfileTable MakeH100() {
  MigProfileTable t;
  t.name = "h100-80gb";
  t.multiprocessors_per_slice = 16;
  t.profiles = {
      Spec(NVML_GPU_INSTANCE_PROFILE_1_SLICE, 19, "1g.10gb", 1, 7, 16,
           {1, 1, 0, 1, 0}, 9984, 1, kOneSliceStarts),
      Spec(NVML_GPU_INSTANCE_PROFILE_1_SLICE_REV1, 20, "1g.10gb+me", 1, 1, 16,
           {1, 1, 0, 1, 1}, 9984, 1, kOneSliceStarts),
      Spec(NVML_GPU_INSTANCE_PROFILE_1_SLICE_REV2, 15, "1g.20gb", 1, 4, 26,
           {1, 1, 0, 1, 0}, 20096, 2, kTwoSliceStarts),
      Spec(NVML_GPU_INSTANCE_PROFILE_2_SLICE, 14, "2g.20gb", 2, 3, 32,
           {2, 2, 0, 2, 0}, 20096, 2, kTwoSliceGiStarts),
      Spec(NVML_GPU_INSTANCE_PROFILE_3_SLICE, 9, "3g.40gb", 3, 2, 60,
           {3, 3, 0, 3, 0}, 40448, 4, kThreeSliceStarts),
      Spec(NVML_GPU_INSTANCE_PROFILE_4_SLICE, 5, "4g.40gb", 4, 1, 64,
           {4, 4, 0, 4, 0}, 40448, 4, kZero),
      Spec(NVML_GPU_INSTANCE_PROFILE_7_SLICE, 0, "7g.80gb", 7, 1, 132,
           {8, 7, 0, 7, 1}, 81152, 8, kZero),
  };
  return t;
}

const std::vector<MigProfileTable>& Tables() {
  static const auto* tables = new std::vector<MigProfileTable>{
      MakeA100("a100-40gb", 4864), MakeA100("a100-80gb", 9728), MakeH100()};
  return *tables;
}

}  // namespace

const GpuInstanceProfileSpec* MigProfileTable::FindByIndex(
    uint32_t index) const {
  for (const auto& p : profiles) {
    if (p.index == index) return &p;
  }
  return nullptr;
}

const GpuInstanceProfileSpec* MigProfileTable::FindById(uint32_t id) const {
  for (const auto& p : profiles) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

const GpuInstanceProfileSpec* MigProfileTable::FindByName(
    std::string_view name) const {
  for (const auto& p : profiles) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

const MigProfileTable* FindMigProfileTable(std::string_view name) {
  for (const auto& t : Tables()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

int ComputeInstanceProfileIndex(uint32_t slices) {
  switch (slices) {
    case 1: return NVML_COMPUTE_INSTANCE_PROFILE_1_SLICE;
    case 2: return NVML_COMPUTE_INSTANCE_PROFILE_2_SLICE;
    case 3: return NVML_COMPUTE_INSTANCE_PROFILE_3_SLICE;
    case 4: return NVML_COMPUTE_INSTANCE_PROFILE_4_SLICE;
    case 6: return NVML_COMPUTE_INSTANCE_PROFILE_6_SLICE;
    case 7: return NVML_COMPUTE_INSTANCE_PROFILE_7_SLICE;
    case 8: return NVML_COMPUTE_INSTANCE_PROFILE_8_SLICE;
    default: return -1;
  }
}

uint32_t ComputeInstanceSlices(uint32_t profile_index) {
  for (uint32_t s = 1; s <= 8; ++s) {
    if (ComputeInstanceProfileIndex(s) == static_cast<int>(profile_index)) {
      return s;
    }
  }
  return 0;
}

}  // namespace gpulet::mock

#include "inventory/mig_profile_name.h"

#include "gtest/gtest.h"
#include "nvml/nvml_abi.h"

namespace gpulet::inventory {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;
// What NVML reports as the total memory of these GPUs.
constexpr uint64_t kA100_40GB = 40960 * kMiB;
constexpr uint64_t kA100_80GB = 81920 * kMiB;
constexpr uint64_t kH100_80GB = 81559 * kMiB;

TEST(MigProfileNameTest, MemoryRoundsToEighthsOfTheGpu) {
  EXPECT_EQ(MigMemoryGb(kA100_40GB, 4864), 5u);
  EXPECT_EQ(MigMemoryGb(kA100_40GB, 9856), 10u);
  EXPECT_EQ(MigMemoryGb(kA100_40GB, 19968), 20u);
  EXPECT_EQ(MigMemoryGb(kA100_40GB, 40192), 40u);
  EXPECT_EQ(MigMemoryGb(kH100_80GB, 9856), 10u);
  EXPECT_EQ(MigMemoryGb(kH100_80GB, 19968), 20u);
  EXPECT_EQ(MigMemoryGb(kH100_80GB, 40192), 40u);
  EXPECT_EQ(MigMemoryGb(kH100_80GB, 80384), 80u);
  EXPECT_EQ(MigMemoryGb(kA100_80GB, 9728), 10u);
  EXPECT_EQ(MigMemoryGb(0, 9728), 0u) << "no division by zero";
}

TEST(MigProfileNameTest, NamesFollowNvidia) {
  EXPECT_EQ(MigProfileName(1, 1, kA100_40GB, 4864,
                           NVML_GPU_INSTANCE_PROFILE_1_SLICE),
            "1g.5gb");
  EXPECT_EQ(MigProfileName(3, 3, kH100_80GB, 40192,
                           NVML_GPU_INSTANCE_PROFILE_3_SLICE),
            "3g.40gb");
  EXPECT_EQ(MigProfileName(7, 7, kH100_80GB, 80384,
                           NVML_GPU_INSTANCE_PROFILE_7_SLICE),
            "7g.80gb");
}

TEST(MigProfileNameTest, ComputeInstanceSmallerThanItsGpuInstance) {
  EXPECT_EQ(MigProfileName(3, 1, kA100_40GB, 19968,
                           NVML_GPU_INSTANCE_PROFILE_3_SLICE),
            "1c.3g.20gb");
}

TEST(MigProfileNameTest, MediaExtensionProfilesAreMarked) {
  EXPECT_EQ(MigProfileName(1, 1, kH100_80GB, 9856,
                           NVML_GPU_INSTANCE_PROFILE_1_SLICE_REV1),
            "1g.10gb+me");
  EXPECT_EQ(MigProfileName(1, 1, kH100_80GB, 19968,
                           NVML_GPU_INSTANCE_PROFILE_1_SLICE_REV2),
            "1g.20gb");
  EXPECT_EQ(MigProfileName(1, 1, kH100_80GB, 9856, std::nullopt), "1g.10gb");
}

}  // namespace
}  // namespace gpulet::inventory

// MIG on the mock: GPU instance profile tables with the values of the real
// parts, and the GPU instance / compute instance tree behind MIG devices.
#include <cstdlib>
#include <string>

#include "gtest/gtest.h"
#include "mock/nvml/mock_test_files.h"
#include "mock/nvml/nvml_mock_loader.h"

namespace gpulet::mock {
namespace {

class MigTest : public ::testing::Test {
 protected:
  void TearDown() override { nvml_.ShutdownAll(); }
  void Init(const std::string& machine) {
    setenv("GPULET_MOCK_MACHINE", machine.c_str(), 1);
    ASSERT_EQ(nvml_.nvmlInit_v2(), NVML_SUCCESS);
  }
  nvmlDevice_t Gpu(unsigned int i) {
    nvmlDevice_t d = nullptr;
    EXPECT_EQ(nvml_.nvmlDeviceGetHandleByIndex_v2(i, &d), NVML_SUCCESS);
    return d;
  }
  nvmlGpuInstanceProfileInfo_t Profile(unsigned int gpu, unsigned int index) {
    nvmlGpuInstanceProfileInfo_t info{};
    EXPECT_EQ(nvml_.nvmlDeviceGetGpuInstanceProfileInfo(Gpu(gpu), index, &info),
              NVML_SUCCESS);
    return info;
  }
  NvmlMockLoader nvml_;
};

TEST_F(MigTest, H100ProfileTable) {
  Init("dgx-h100");  // MIG capable though disabled: the table is there
  auto p = Profile(0, NVML_GPU_INSTANCE_PROFILE_1_SLICE);
  EXPECT_EQ(p.id, 19u);
  EXPECT_EQ(p.sliceCount, 1u);
  EXPECT_EQ(p.instanceCount, 7u);
  EXPECT_EQ(p.multiprocessorCount, 16u);
  EXPECT_EQ(p.memorySizeMB, 9984u);
  p = Profile(0, NVML_GPU_INSTANCE_PROFILE_1_SLICE_REV1);  // 1g.10gb+me
  EXPECT_EQ(p.id, 20u);
  EXPECT_EQ(p.ofaCount, 1u);
  p = Profile(0, NVML_GPU_INSTANCE_PROFILE_1_SLICE_REV2);  // 1g.20gb
  EXPECT_EQ(p.id, 15u);
  EXPECT_EQ(p.instanceCount, 4u);
  p = Profile(0, NVML_GPU_INSTANCE_PROFILE_3_SLICE);
  EXPECT_EQ(p.id, 9u);
  EXPECT_EQ(p.memorySizeMB, 40448u);
  p = Profile(0, NVML_GPU_INSTANCE_PROFILE_7_SLICE);
  EXPECT_EQ(p.id, 0u);
  EXPECT_EQ(p.multiprocessorCount, 132u);
  EXPECT_EQ(p.copyEngineCount, 8u);
  nvmlGpuInstanceProfileInfo_t info{};
  EXPECT_EQ(nvml_.nvmlDeviceGetGpuInstanceProfileInfo(
                Gpu(0), NVML_GPU_INSTANCE_PROFILE_8_SLICE, &info),
            NVML_ERROR_NOT_SUPPORTED);
  EXPECT_EQ(nvml_.nvmlDeviceGetGpuInstanceProfileInfo(
                Gpu(0), NVML_GPU_INSTANCE_PROFILE_COUNT, &info),
            NVML_ERROR_INVALID_ARGUMENT);
}

TEST_F(MigTest, A100ProfileTables) {
  Init("dgx-a100-mig");
  auto p = Profile(0, NVML_GPU_INSTANCE_PROFILE_1_SLICE);  // 1g.5gb
  EXPECT_EQ(p.memorySizeMB, 4864u);
  EXPECT_EQ(p.multiprocessorCount, 14u);
  p = Profile(0, NVML_GPU_INSTANCE_PROFILE_7_SLICE);  // 7g.40gb
  EXPECT_EQ(p.multiprocessorCount, 98u);
  EXPECT_EQ(p.memorySizeMB, 40192u);
  EXPECT_EQ(p.decoderCount, 5u);
}

TEST_F(MigTest, InstanceTreeOfAMixedGpu) {
  Init("dgx-a100-mig");
  nvmlDevice_t gpu = Gpu(3);  // 2g.10gb (gi 5) + 1g.5gb (gi 13) + 3g.20gb (gi 2)
  nvmlGpuInstance_t gis[7];
  unsigned int count = 0;
  ASSERT_EQ(nvml_.nvmlDeviceGetGpuInstances(gpu, 9, gis, &count), NVML_SUCCESS);
  ASSERT_EQ(count, 1u);
  nvmlGpuInstanceInfo_t gi{};
  ASSERT_EQ(nvml_.nvmlGpuInstanceGetInfo(gis[0], &gi), NVML_SUCCESS);
  EXPECT_EQ(gi.device, gpu);
  EXPECT_EQ(gi.id, 2u);
  EXPECT_EQ(gi.profileId, 9u);
  EXPECT_EQ(gi.placement.start, 4u);
  EXPECT_EQ(gi.placement.size, 4u);
  nvmlGpuInstance_t by_id = nullptr;
  ASSERT_EQ(nvml_.nvmlDeviceGetGpuInstanceById(gpu, 2, &by_id), NVML_SUCCESS);
  EXPECT_EQ(by_id, gis[0]);
  EXPECT_EQ(nvml_.nvmlDeviceGetGpuInstanceById(gpu, 3, &by_id),
            NVML_ERROR_NOT_FOUND);

  nvmlComputeInstanceProfileInfo_t cip{};
  ASSERT_EQ(nvml_.nvmlGpuInstanceGetComputeInstanceProfileInfo(
                gis[0], NVML_COMPUTE_INSTANCE_PROFILE_3_SLICE,
                NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED, &cip),
            NVML_SUCCESS);
  EXPECT_EQ(cip.multiprocessorCount, 42u);
  EXPECT_EQ(cip.sharedDecoderCount, 2u);
  EXPECT_EQ(nvml_.nvmlGpuInstanceGetComputeInstanceProfileInfo(
                gis[0], NVML_COMPUTE_INSTANCE_PROFILE_4_SLICE,
                NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED, &cip),
            NVML_ERROR_NOT_SUPPORTED);

  nvmlComputeInstance_t cis[7];
  ASSERT_EQ(nvml_.nvmlGpuInstanceGetComputeInstances(
                gis[0], NVML_COMPUTE_INSTANCE_PROFILE_3_SLICE, cis, &count),
            NVML_SUCCESS);
  ASSERT_EQ(count, 1u);
  nvmlComputeInstance_t ci = nullptr;
  ASSERT_EQ(nvml_.nvmlGpuInstanceGetComputeInstanceById(gis[0], 0, &ci),
            NVML_SUCCESS);
  EXPECT_EQ(ci, cis[0]);
  nvmlComputeInstanceInfo_t info{};
  ASSERT_EQ(nvml_.nvmlComputeInstanceGetInfo_v2(ci, &info), NVML_SUCCESS);
  EXPECT_EQ(info.device, gpu);
  EXPECT_EQ(info.gpuInstance, gis[0]);
  EXPECT_EQ(info.profileId,
            static_cast<unsigned int>(NVML_COMPUTE_INSTANCE_PROFILE_3_SLICE));
  EXPECT_EQ(info.placement.size, 3u);
}

TEST_F(MigTest, MigDevicesByUuidAndTheirAttributes) {
  Init("dgx-a100-mig");
  nvmlDevice_t mig = nullptr;
  ASSERT_EQ(nvml_.nvmlDeviceGetMigDeviceHandleByIndex(Gpu(6), 2, &mig),
            NVML_SUCCESS);
  char uuid[NVML_DEVICE_UUID_V2_BUFFER_SIZE];
  ASSERT_EQ(nvml_.nvmlDeviceGetUUID(mig, uuid, sizeof(uuid)), NVML_SUCCESS);
  nvmlDevice_t by_uuid = nullptr;
  ASSERT_EQ(nvml_.nvmlDeviceGetHandleByUUID(uuid, &by_uuid), NVML_SUCCESS);
  EXPECT_EQ(by_uuid, mig);
  char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
  ASSERT_EQ(nvml_.nvmlDeviceGetName(mig, name, sizeof(name)), NVML_SUCCESS);
  EXPECT_STREQ(name, "NVIDIA A100-SXM4-40GB MIG 1g.5gb+me");
  nvmlDeviceAttributes_t a{};
  ASSERT_EQ(nvml_.nvmlDeviceGetAttributes_v2(mig, &a), NVML_SUCCESS);
  EXPECT_EQ(a.gpuInstanceSliceCount, 1u);
  EXPECT_EQ(a.computeInstanceSliceCount, 1u);
  EXPECT_EQ(a.multiprocessorCount, 14u);
  EXPECT_EQ(a.sharedJpegCount, 1u);
  EXPECT_EQ(a.sharedOfaCount, 1u);
  EXPECT_EQ(a.memorySizeMB, 4864u);
}

TEST_F(MigTest, SplitComputeInstancesAreSeparateMigDevices) {
  const std::string profile = TempPathForTest("split.yaml");
  WriteFileForTest(profile, A100ProfileForTest(
      "[{gi: 1, ci: 0, profile: 3g.20gb, compute_slices: 1, "
      "uuid: MIG-00000000-0000-0000-0000-000000000001},"
      " {gi: 1, ci: 1, profile: 3g.20gb, compute_slices: 2, "
      "uuid: MIG-00000000-0000-0000-0000-000000000002}]",
      /*second_gpu=*/false));
  Init(profile);
  nvmlDevice_t mig = nullptr;
  ASSERT_EQ(nvml_.nvmlDeviceGetMigDeviceHandleByIndex(Gpu(0), 1, &mig),
            NVML_SUCCESS);
  char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
  ASSERT_EQ(nvml_.nvmlDeviceGetName(mig, name, sizeof(name)), NVML_SUCCESS);
  EXPECT_STREQ(name, "NVIDIA A100-SXM4-40GB MIG 2c.3g.20gb");
  nvmlDeviceAttributes_t a{};
  ASSERT_EQ(nvml_.nvmlDeviceGetAttributes_v2(mig, &a), NVML_SUCCESS);
  EXPECT_EQ(a.computeInstanceSliceCount, 2u);
  EXPECT_EQ(a.multiprocessorCount, 28u);
  nvmlGpuInstance_t gi = nullptr;
  nvmlComputeInstance_t ci = nullptr;
  ASSERT_EQ(nvml_.nvmlDeviceGetGpuInstanceById(Gpu(0), 1, &gi), NVML_SUCCESS);
  ASSERT_EQ(nvml_.nvmlGpuInstanceGetComputeInstanceById(gi, 1, &ci),
            NVML_SUCCESS);
  nvmlComputeInstanceInfo_t info{};
  ASSERT_EQ(nvml_.nvmlComputeInstanceGetInfo_v2(ci, &info), NVML_SUCCESS);
  EXPECT_EQ(info.placement.start, 1u);
  EXPECT_EQ(info.placement.size, 2u);
}

}  // namespace
}  // namespace gpulet::mock

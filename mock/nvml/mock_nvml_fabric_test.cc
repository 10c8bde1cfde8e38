// nvmlDeviceGetGpuFabricInfo and nvmlDeviceGetGpuFabricInfoV through the
// exported C ABI: a fabric-attached GB200 tray, a Hopper GPU outside any
// multi-node fabric, a pre-Hopper GPU, and the argument checks.
#include <cstdlib>
#include <cstring>
#include <string>

#include "gtest/gtest.h"
#include "mock/nvml/mock_test_files.h"
#include "mock/nvml/nvml_mock_loader.h"

namespace gpulet::mock {
namespace {

constexpr unsigned char kGb200Cluster[NVML_GPU_FABRIC_UUID_LEN] = {
    0x7b, 0x96, 0x8a, 0x6d, 0x2c, 0x4f, 0x4e, 0x0b,
    0x9a, 0x51, 0xe1, 0xe5, 0x1b, 0xe9, 0x9c, 0x31};

class MockFabric : public ::testing::Test {
 protected:
  // Initialises the library on shipped profile or profile path `machine`.
  void Init(const std::string& machine) {
    setenv("GPULET_MOCK_MACHINE", machine.c_str(), 1);
    ASSERT_EQ(nvml.nvmlInit_v2(), NVML_SUCCESS);
    initialised_ = true;
  }
  void TearDown() override {
    if (initialised_) {
      EXPECT_EQ(nvml.nvmlShutdown(), NVML_SUCCESS);
    }
  }
  nvmlDevice_t Gpu(unsigned int index) {
    nvmlDevice_t device = nullptr;
    EXPECT_EQ(nvml.nvmlDeviceGetHandleByIndex_v2(index, &device), NVML_SUCCESS);
    return device;
  }

  NvmlMockLoader nvml;

 private:
  bool initialised_ = false;
};

TEST_F(MockFabric, Gb200GpusAreRegisteredInOneClique) {
  Init("gb200-nvl");
  for (unsigned int i = 0; i < 4; ++i) {
    nvmlGpuFabricInfoV_t v{};
    v.version = nvmlGpuFabricInfo_v2;
    ASSERT_EQ(nvml.nvmlDeviceGetGpuFabricInfoV(Gpu(i), &v), NVML_SUCCESS);
    EXPECT_EQ(std::memcmp(v.clusterUuid, kGb200Cluster, sizeof kGb200Cluster), 0);
    EXPECT_EQ(v.cliqueId, 32766u);
    EXPECT_EQ(v.state, NVML_GPU_FABRIC_STATE_COMPLETED);
    EXPECT_EQ(v.status, NVML_SUCCESS);
    EXPECT_EQ(v.healthMask, 2u);
    nvmlGpuFabricInfo_t v1{};
    ASSERT_EQ(nvml.nvmlDeviceGetGpuFabricInfo(Gpu(i), &v1), NVML_SUCCESS);
    EXPECT_EQ(std::memcmp(v1.clusterUuid, kGb200Cluster, sizeof kGb200Cluster), 0);
    EXPECT_EQ(v1.cliqueId, 32766u);
    EXPECT_EQ(v1.state, NVML_GPU_FABRIC_STATE_COMPLETED);
  }
}

TEST_F(MockFabric, HopperWithoutAFabricAnswersStateNotSupported) {
  Init("dgx-h100");
  nvmlGpuFabricInfo_t info{};
  info.state = NVML_GPU_FABRIC_STATE_COMPLETED;
  ASSERT_EQ(nvml.nvmlDeviceGetGpuFabricInfo(Gpu(0), &info), NVML_SUCCESS);
  EXPECT_EQ(info.state, NVML_GPU_FABRIC_STATE_NOT_SUPPORTED);
}

TEST_F(MockFabric, PreHopperGpusAnswerNotSupported) {
  Init("t4");
  nvmlGpuFabricInfoV_t info{};
  info.version = nvmlGpuFabricInfo_v2;
  EXPECT_EQ(nvml.nvmlDeviceGetGpuFabricInfoV(Gpu(0), &info),
            NVML_ERROR_NOT_SUPPORTED);
}

TEST_F(MockFabric, RejectsBadArguments) {
  nvmlGpuFabricInfoV_t info{};
  info.version = nvmlGpuFabricInfo_v2;
  EXPECT_EQ(nvml.nvmlDeviceGetGpuFabricInfoV(nullptr, &info), NVML_ERROR_UNINITIALIZED);
  Init("gb200-nvl");
  nvmlDevice_t gpu = Gpu(0);
  EXPECT_EQ(nvml.nvmlDeviceGetGpuFabricInfo(gpu, nullptr), NVML_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(nvml.nvmlDeviceGetGpuFabricInfoV(gpu, nullptr), NVML_ERROR_INVALID_ARGUMENT);
  info.version = 1u << 24 | sizeof info;
  EXPECT_EQ(nvml.nvmlDeviceGetGpuFabricInfoV(gpu, &info),
            NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
}

TEST_F(MockFabric, ProfileStatesAndErrorsAreReported) {
  const std::string path = TempPathForTest("fabric.yaml");
  WriteFileForTest(
      path,
      "driver_version: \"570.124.06\"\n"
      "cuda_driver_version: 12080\n"
      "gpus:\n"
      "  - name: NVIDIA GB200\n"
      "    uuid: GPU-00000000-0000-0000-0000-000000000001\n"
      "    minor: 0\n"
      "    pci: {bus_id: \"00000008:01:00.0\", device_id: 0x294110DE, subsystem_id: 0}\n"
      "    memory: {total: 198674743296}\n"
      "    compute_capability: \"10.0\"\n"
      "    architecture: blackwell\n"
      "    fabric: {cluster_uuid: \"00000000-0000-0000-0000-0000000000ff\", clique_id: 7,"
      " state: in_progress, status: 999}\n");
  Init(path);
  nvmlGpuFabricInfo_t info{};
  ASSERT_EQ(nvml.nvmlDeviceGetGpuFabricInfo(Gpu(0), &info), NVML_SUCCESS);
  EXPECT_EQ(info.state, NVML_GPU_FABRIC_STATE_IN_PROGRESS);
  EXPECT_EQ(info.status, NVML_ERROR_UNKNOWN);
  EXPECT_EQ(info.cliqueId, 7u);
  EXPECT_EQ(info.clusterUuid[15], 0xff);
}

}  // namespace
}  // namespace gpulet::mock

// NVML's error conventions on the mock: init reference counting, null
// arguments, ranges, unknown ids, buffer sizes, struct versions, and calls
// on the wrong kind of handle.
#include <cstdlib>
#include <cstring>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mock/nvml/mock_test_files.h"
#include "mock/nvml/nvml_mock_loader.h"

namespace gpulet::mock {
namespace {

using ::testing::HasSubstr;

class ErrorsTest : public ::testing::Test {
 protected:
  void TearDown() override { nvml_.ShutdownAll(); }
  void Init(const char* machine) {
    setenv("GPULET_MOCK_MACHINE", machine, 1);
    ASSERT_EQ(nvml_.nvmlInit_v2(), NVML_SUCCESS);
  }
  nvmlDevice_t Gpu(unsigned int i) {
    nvmlDevice_t d = nullptr;
    EXPECT_EQ(nvml_.nvmlDeviceGetHandleByIndex_v2(i, &d), NVML_SUCCESS);
    return d;
  }
  nvmlDevice_t Mig(unsigned int gpu, unsigned int i) {
    nvmlDevice_t d = nullptr;
    EXPECT_EQ(nvml_.nvmlDeviceGetMigDeviceHandleByIndex(Gpu(gpu), i, &d),
              NVML_SUCCESS);
    return d;
  }
  NvmlMockLoader nvml_;
};

TEST_F(ErrorsTest, CallsBeforeInitAreUninitialized) {
  unsigned int count = 0;
  char buf[80];
  EXPECT_EQ(nvml_.nvmlDeviceGetCount_v2(&count), NVML_ERROR_UNINITIALIZED);
  EXPECT_EQ(nvml_.nvmlSystemGetDriverVersion(buf, sizeof(buf)),
            NVML_ERROR_UNINITIALIZED);
  EXPECT_EQ(nvml_.nvmlShutdown(), NVML_ERROR_UNINITIALIZED);
}

TEST_F(ErrorsTest, InitIsReferenceCounted) {
  setenv("GPULET_MOCK_MACHINE", "t4", 1);
  ASSERT_EQ(nvml_.nvmlInit(), NVML_SUCCESS);
  ASSERT_EQ(nvml_.nvmlInit_v2(), NVML_SUCCESS);
  ASSERT_EQ(nvml_.nvmlInitWithFlags(NVML_INIT_FLAG_NO_GPUS), NVML_SUCCESS);
  unsigned int count = 0;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(nvml_.nvmlDeviceGetCount_v2(&count), NVML_SUCCESS) << i;
    EXPECT_EQ(nvml_.nvmlShutdown(), NVML_SUCCESS) << i;
  }
  EXPECT_EQ(nvml_.nvmlDeviceGetCount_v2(&count), NVML_ERROR_UNINITIALIZED);
  EXPECT_EQ(nvml_.nvmlShutdown(), NVML_ERROR_UNINITIALIZED);
  // Handles survive a shutdown and a new init.
  ASSERT_EQ(nvml_.nvmlInit_v2(), NVML_SUCCESS);
  nvmlDevice_t first = Gpu(0);
  ASSERT_EQ(nvml_.nvmlShutdown(), NVML_SUCCESS);
  ASSERT_EQ(nvml_.nvmlInit_v2(), NVML_SUCCESS);
  EXPECT_EQ(Gpu(0), first);
}

TEST_F(ErrorsTest, UnsetMachineMeansDgxH100) {
  unsetenv("GPULET_MOCK_MACHINE");
  ASSERT_EQ(nvml_.nvmlInit_v2(), NVML_SUCCESS);
  unsigned int count = 0;
  ASSERT_EQ(nvml_.nvmlDeviceGetCount(&count), NVML_SUCCESS);
  EXPECT_EQ(count, 8u);
}

TEST_F(ErrorsTest, MachineNoneIsANodeWithoutDriver) {
  setenv("GPULET_MOCK_MACHINE", "none", 1);
  EXPECT_EQ(nvml_.nvmlInit_v2(), NVML_ERROR_DRIVER_NOT_LOADED);
  unsigned int count = 0;
  EXPECT_EQ(nvml_.nvmlDeviceGetCount_v2(&count), NVML_ERROR_UNINITIALIZED);
}

TEST_F(ErrorsTest, BadProfileFailsInitAndSaysWhyOnce) {
  const std::string path = TempPathForTest("bad.yaml");
  WriteFileForTest(path, "driver_version: \"550\"\ncuda_driver_version: x\n"
                         "gpus: []\n");
  setenv("GPULET_MOCK_MACHINE", path.c_str(), 1);
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(nvml_.nvmlInit_v2(), NVML_ERROR_UNKNOWN);
  EXPECT_EQ(nvml_.nvmlInit_v2(), NVML_ERROR_UNKNOWN);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(err, HasSubstr(path + ": cuda_driver_version: expected an "
                                    "integer, got \"x\""));
  EXPECT_EQ(err.find("cuda_driver_version"), err.rfind("cuda_driver_version"))
      << "reported more than once: " << err;
}

TEST_F(ErrorsTest, MissingProfileFailsInit) {
  setenv("GPULET_MOCK_MACHINE", "/nonexistent/machine.yaml", 1);
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(nvml_.nvmlInit_v2(), NVML_ERROR_UNKNOWN);
  EXPECT_THAT(::testing::internal::GetCapturedStderr(),
              HasSubstr("/nonexistent/machine.yaml"));
}

TEST_F(ErrorsTest, NullArgumentsAreInvalid) {
  Init("dgx-a100-mig");
  nvmlDevice_t d = Gpu(0);
  EXPECT_EQ(nvml_.nvmlDeviceGetCount_v2(nullptr), NVML_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(nvml_.nvmlDeviceGetHandleByIndex_v2(0, nullptr),
            NVML_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(nvml_.nvmlDeviceGetHandleByUUID(nullptr, &d),
            NVML_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(nvml_.nvmlDeviceGetName(d, nullptr, 64),
            NVML_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(nvml_.nvmlDeviceGetMemoryInfo(d, nullptr),
            NVML_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(nvml_.nvmlDeviceGetPciInfo_v3(d, nullptr),
            NVML_ERROR_INVALID_ARGUMENT);
  int major = 0;
  EXPECT_EQ(nvml_.nvmlDeviceGetCudaComputeCapability(d, &major, nullptr),
            NVML_ERROR_INVALID_ARGUMENT);
  unsigned int mode = 0;
  EXPECT_EQ(nvml_.nvmlDeviceGetMigMode(d, &mode, nullptr),
            NVML_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(nvml_.nvmlEventSetCreate(nullptr), NVML_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(nvml_.nvmlDeviceGetMinorNumber(nullptr, &mode),
            NVML_ERROR_INVALID_ARGUMENT);
  // A pointer the library never handed out is not dereferenced.
  int bogus = 0;
  EXPECT_EQ(nvml_.nvmlDeviceGetMinorNumber(
                reinterpret_cast<nvmlDevice_t>(&bogus), &mode),
            NVML_ERROR_INVALID_ARGUMENT);
}

TEST_F(ErrorsTest, OutOfRangeAndUnknownIds) {
  Init("dgx-h100");
  nvmlDevice_t d = nullptr;
  EXPECT_EQ(nvml_.nvmlDeviceGetHandleByIndex_v2(8, &d),
            NVML_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(nvml_.nvmlDeviceGetHandleByIndex(8, &d),
            NVML_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(nvml_.nvmlDeviceGetHandleByUUID(
                "GPU-ffffffff-ffff-ffff-ffff-ffffffffffff", &d),
            NVML_ERROR_NOT_FOUND);
  EXPECT_EQ(nvml_.nvmlDeviceGetHandleByPciBusId_v2("00000000:99:00.0", &d),
            NVML_ERROR_NOT_FOUND);
  EXPECT_EQ(nvml_.nvmlDeviceGetHandleByPciBusId_v2("not a bus id", &d),
            NVML_ERROR_INVALID_ARGUMENT);
  // The short and lower-case forms name the same GPU.
  ASSERT_EQ(nvml_.nvmlDeviceGetHandleByPciBusId_v2("0000:2a:00.0", &d),
            NVML_SUCCESS);
  EXPECT_EQ(d, Gpu(1));
  nvmlEnableState_t state{};
  EXPECT_EQ(nvml_.nvmlDeviceGetNvLinkState(Gpu(0), NVML_NVLINK_MAX_LINKS,
                                           &state),
            NVML_ERROR_INVALID_ARGUMENT);
}

TEST_F(ErrorsTest, BuffersMustHoldTheStringAndItsTerminator) {
  Init("t4");
  nvmlDevice_t d = Gpu(0);
  char buf[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
  const unsigned int name_len = std::strlen("Tesla T4");
  EXPECT_EQ(nvml_.nvmlDeviceGetName(d, buf, name_len),
            NVML_ERROR_INSUFFICIENT_SIZE);
  EXPECT_EQ(nvml_.nvmlDeviceGetName(d, buf, name_len + 1), NVML_SUCCESS);
  EXPECT_STREQ(buf, "Tesla T4");
  EXPECT_EQ(nvml_.nvmlDeviceGetUUID(d, buf, 40), NVML_ERROR_INSUFFICIENT_SIZE);
  EXPECT_EQ(nvml_.nvmlDeviceGetUUID(d, buf, 41), NVML_SUCCESS);
  EXPECT_EQ(nvml_.nvmlSystemGetDriverVersion(buf, 10),
            NVML_ERROR_INSUFFICIENT_SIZE);
  EXPECT_EQ(nvml_.nvmlSystemGetDriverVersion(buf, 11), NVML_SUCCESS);
  EXPECT_STREQ(buf, "535.161.08");
  EXPECT_EQ(nvml_.nvmlDeviceGetSerial(d, buf, 5), NVML_ERROR_INSUFFICIENT_SIZE);
}

TEST_F(ErrorsTest, VersionedStructsCheckTheirVersion) {
  Init("dgx-h100");
  nvmlMemory_v2_t mem{};
  mem.version = 1;
  EXPECT_EQ(nvml_.nvmlDeviceGetMemoryInfo_v2(Gpu(0), &mem),
            NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
  nvmlGpuInstanceProfileInfo_v2_t info{};
  info.version = sizeof(info);
  EXPECT_EQ(nvml_.nvmlDeviceGetGpuInstanceProfileInfoV(
                Gpu(0), NVML_GPU_INSTANCE_PROFILE_1_SLICE, &info),
            NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
  info.version = nvmlGpuInstanceProfileInfo_v2;
  ASSERT_EQ(nvml_.nvmlDeviceGetGpuInstanceProfileInfoV(
                Gpu(0), NVML_GPU_INSTANCE_PROFILE_1_SLICE, &info),
            NVML_SUCCESS);
  EXPECT_STREQ(info.name, "MIG 1g.10gb");
}

TEST_F(ErrorsTest, LegacyPciInfoFillsOnlyTheOldLayout) {
  Init("dgx-h100");
  nvmlPciInfo_t pci;
  std::memset(&pci, 0x5a, sizeof(pci));
  ASSERT_EQ(nvml_.nvmlDeviceGetPciInfo(Gpu(0), &pci), NVML_SUCCESS);
  EXPECT_STREQ(pci.busIdLegacy, "0000:18:00.0");
  EXPECT_EQ(pci.pciDeviceId, 0x233010DEu);
  EXPECT_EQ(pci.busId[0], 0x5a) << "v1 wrote past its struct";
  ASSERT_EQ(nvml_.nvmlDeviceGetPciInfo_v2(Gpu(0), &pci), NVML_SUCCESS);
  EXPECT_STREQ(pci.busId, "00000000:18:00.0");
}

TEST_F(ErrorsTest, MigCallsOnAGpuWithoutMig) {
  Init("t4");
  nvmlDevice_t d = Gpu(0);
  unsigned int current = 0, pending = 0, count = 9;
  EXPECT_EQ(nvml_.nvmlDeviceGetMigMode(d, &current, &pending),
            NVML_ERROR_NOT_SUPPORTED);
  ASSERT_EQ(nvml_.nvmlDeviceGetMaxMigDeviceCount(d, &count), NVML_SUCCESS);
  EXPECT_EQ(count, 0u);
  nvmlDevice_t mig = nullptr;
  EXPECT_EQ(nvml_.nvmlDeviceGetMigDeviceHandleByIndex(d, 0, &mig),
            NVML_ERROR_NOT_SUPPORTED);
  nvmlGpuInstanceProfileInfo_t info{};
  EXPECT_EQ(nvml_.nvmlDeviceGetGpuInstanceProfileInfo(d, 0, &info),
            NVML_ERROR_NOT_SUPPORTED);
  unsigned int id = 0;
  EXPECT_EQ(nvml_.nvmlDeviceGetGpuInstanceId(d, &id), NVML_ERROR_NOT_SUPPORTED);
  nvmlDeviceAttributes_t attr{};
  EXPECT_EQ(nvml_.nvmlDeviceGetAttributes_v2(d, &attr),
            NVML_ERROR_NOT_SUPPORTED);
  unsigned int is_mig = 9;
  ASSERT_EQ(nvml_.nvmlDeviceIsMigDeviceHandle(d, &is_mig), NVML_SUCCESS);
  EXPECT_EQ(is_mig, 0u);
}

TEST_F(ErrorsTest, MigDeviceIndexSlots) {
  Init("dgx-a100-mig");
  nvmlDevice_t mig = nullptr;
  // GPU 3 holds three MIG devices out of at most seven.
  EXPECT_EQ(nvml_.nvmlDeviceGetMigDeviceHandleByIndex(Gpu(3), 2, &mig),
            NVML_SUCCESS);
  EXPECT_EQ(nvml_.nvmlDeviceGetMigDeviceHandleByIndex(Gpu(3), 3, &mig),
            NVML_ERROR_NOT_FOUND);
  EXPECT_EQ(nvml_.nvmlDeviceGetMigDeviceHandleByIndex(Gpu(3), 7, &mig),
            NVML_ERROR_INVALID_ARGUMENT);
  // GPU 5 is MIG enabled and empty; GPU 0 has MIG disabled.
  EXPECT_EQ(nvml_.nvmlDeviceGetMigDeviceHandleByIndex(Gpu(5), 0, &mig),
            NVML_ERROR_NOT_FOUND);
  EXPECT_EQ(nvml_.nvmlDeviceGetMigDeviceHandleByIndex(Gpu(0), 0, &mig),
            NVML_ERROR_NOT_SUPPORTED);
  unsigned int current = 9, pending = 9;
  ASSERT_EQ(nvml_.nvmlDeviceGetMigMode(Gpu(1), &current, &pending),
            NVML_SUCCESS);
  EXPECT_EQ(current, 0u);
  EXPECT_EQ(pending, 1u);
}

TEST_F(ErrorsTest, HandleKindsAnswerAsNvmlDoes) {
  Init("dgx-a100-mig");
  nvmlDevice_t mig = Mig(4, 1);
  unsigned int value = 0;
  EXPECT_EQ(nvml_.nvmlDeviceGetMinorNumber(mig, &value),
            NVML_ERROR_NOT_SUPPORTED);
  unsigned int current = 0, pending = 0;
  EXPECT_EQ(nvml_.nvmlDeviceGetMigMode(mig, &current, &pending),
            NVML_ERROR_NOT_SUPPORTED);
  nvmlGpuTopologyLevel_t level{};
  EXPECT_EQ(nvml_.nvmlDeviceGetTopologyCommonAncestor(mig, Gpu(0), &level),
            NVML_ERROR_NOT_SUPPORTED);
  ASSERT_EQ(nvml_.nvmlDeviceGetIndex(mig, &value), NVML_SUCCESS);
  EXPECT_EQ(value, 1u);
  ASSERT_EQ(nvml_.nvmlDeviceIsMigDeviceHandle(mig, &value), NVML_SUCCESS);
  EXPECT_EQ(value, 1u);
  nvmlDevice_t parent = nullptr;
  ASSERT_EQ(nvml_.nvmlDeviceGetDeviceHandleFromMigDeviceHandle(mig, &parent),
            NVML_SUCCESS);
  EXPECT_EQ(parent, Gpu(4));
  EXPECT_EQ(nvml_.nvmlDeviceGetDeviceHandleFromMigDeviceHandle(Gpu(4), &parent),
            NVML_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(nvml_.nvmlDeviceGetComputeInstanceId(Gpu(4), &value),
            NVML_ERROR_NOT_SUPPORTED);
  // What a MIG device shares with its GPU.
  int major = 0, minor = 0;
  ASSERT_EQ(nvml_.nvmlDeviceGetCudaComputeCapability(mig, &major, &minor),
            NVML_SUCCESS);
  EXPECT_EQ(major, 8);
  nvmlMemory_t mem{};
  ASSERT_EQ(nvml_.nvmlDeviceGetMemoryInfo(mig, &mem), NVML_SUCCESS);
  EXPECT_EQ(mem.total, 19968ull << 20);
}

TEST_F(ErrorsTest, ErrorStringsAreNvmls) {
  EXPECT_STREQ(nvml_.nvmlErrorString(NVML_SUCCESS), "Success");
  EXPECT_STREQ(nvml_.nvmlErrorString(NVML_ERROR_UNINITIALIZED),
               "Uninitialized");
  EXPECT_STREQ(nvml_.nvmlErrorString(NVML_ERROR_INVALID_ARGUMENT),
               "Invalid Argument");
  EXPECT_STREQ(nvml_.nvmlErrorString(NVML_ERROR_GPU_IS_LOST), "GPU is lost");
  EXPECT_STREQ(nvml_.nvmlErrorString(static_cast<nvmlReturn_t>(12345)),
               "Unknown Error");
  for (int code = 0; code <= 29; ++code) {
    const char* s = nvml_.nvmlErrorString(static_cast<nvmlReturn_t>(code));
    ASSERT_NE(s, nullptr);
    EXPECT_STRNE(s, "Unknown Error") << code;
  }
}

}  // namespace
}  // namespace gpulet::mock

// NvmlLibrary against the mock NVML library, an old-driver stub and things
// that are not NVML at all.
#include "nvml/nvml_library.h"

#include <cstdlib>

#include "base/status_matchers.h"
#include "gtest/gtest.h"
#include "mock/nvml/machine_profile.h"
#include "nvml/nvml_device.h"
#include "nvml/nvml_error.h"

namespace gpulet::nvml {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

TEST(NvmlLibraryTest, MissingLibraryFailsWithTheHint) {
  EXPECT_THAT(NvmlLibrary::Open("/nonexistent/libnvidia-ml.so.1"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("/nonexistent/libnvidia-ml.so.1"),
                             HasSubstr("--nvml-library"))));
}

TEST(NvmlLibraryTest, ALibraryThatIsNotNvmlIsRejected) {
  EXPECT_THAT(NvmlLibrary::Open("libm.so.6"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("is not an NVML library")));
}

TEST(NvmlLibraryTest, SystemQueriesAnswerFromTheMachine) {
  ASSERT_EQ(setenv("GPULET_MOCK_MACHINE", "dgx-h100", 1), 0);
  ASSERT_OK_AND_ASSIGN(mock::MachineProfile profile,
                       mock::LoadMachineProfile("dgx-h100"));
  ASSERT_OK_AND_ASSIGN(auto library, NvmlLibrary::Open(GPULET_MOCK_NVML_PATH));
  EXPECT_EQ(library->path(), GPULET_MOCK_NVML_PATH);
  EXPECT_EQ(library->LoadedFrom(), GPULET_MOCK_NVML_PATH);
  EXPECT_EQ(library->DriverVersion().value(), profile.driver_version);
  EXPECT_EQ(library->NvmlVersion().value(), profile.nvml_version);
  EXPECT_EQ(library->CudaDriverVersion().value(), profile.cuda_driver_version);
  EXPECT_EQ(library->DeviceCount().value(), profile.gpus.size());
}

TEST(NvmlLibraryTest, TwoOpenLibrariesShareOneInitialisedNvml) {
  ASSERT_EQ(setenv("GPULET_MOCK_MACHINE", "t4", 1), 0);
  ASSERT_OK_AND_ASSIGN(auto first, NvmlLibrary::Open(GPULET_MOCK_NVML_PATH));
  {
    ASSERT_OK_AND_ASSIGN(auto second, NvmlLibrary::Open(GPULET_MOCK_NVML_PATH));
    EXPECT_EQ(second->DeviceCount().value(), 1u);
  }
  // The second's nvmlShutdown only dropped its own reference.
  EXPECT_EQ(first->DeviceCount().value(), 1u);
}

TEST(NvmlLibraryTest, AFailedInitNamesTheCall) {
  ASSERT_EQ(setenv("GPULET_MOCK_MACHINE", "/nonexistent/machine.yaml", 1), 0);
  absl::StatusOr<std::shared_ptr<const NvmlLibrary>> library =
      NvmlLibrary::Open(GPULET_MOCK_NVML_PATH);
  ASSERT_FALSE(library.ok());
  EXPECT_THAT(library.status().message(), HasSubstr("nvmlInit"));
  EXPECT_TRUE(NvmlReturnOf(library.status()).has_value());
}

TEST(NvmlLibraryTest, OldDriversUseTheUnversionedSymbols) {
  ASSERT_OK_AND_ASSIGN(auto library, NvmlLibrary::Open(GPULET_OLD_NVML_STUB_PATH));
  ASSERT_OK_AND_ASSIGN(unsigned int count, library->DeviceCount());
  EXPECT_EQ(count, 1u);
  ASSERT_OK_AND_ASSIGN(NvmlDevice device, NvmlDevice::ByIndex(library, 0));
  EXPECT_EQ(device.Name().value(), "Tesla K80");
  ASSERT_OK_AND_ASSIGN(PciInfo pci, device.Pci());
  EXPECT_EQ(pci.bus_id, "0000:04:00.0") << "the legacy field of the v1 struct";
}

TEST(NvmlLibraryTest, CallsMissingFromOldDriversAreUnimplemented) {
  ASSERT_OK_AND_ASSIGN(auto library, NvmlLibrary::Open(GPULET_OLD_NVML_STUB_PATH));
  EXPECT_THAT(library->CudaDriverVersion(),
              StatusIs(absl::StatusCode::kUnimplemented,
                       HasSubstr("nvmlSystemGetCudaDriverVersion_v2 is not exported")));
  EXPECT_THAT(library->DriverVersion(),
              StatusIs(absl::StatusCode::kUnimplemented));
  ASSERT_OK_AND_ASSIGN(NvmlDevice device, NvmlDevice::ByIndex(library, 0));
  EXPECT_THAT(device.NumaNode(), StatusIs(absl::StatusCode::kUnimplemented,
                                          HasSubstr("nvmlDeviceGetNumaNodeId")));
  EXPECT_THAT(device.Memory(), StatusIs(absl::StatusCode::kUnimplemented,
                                        HasSubstr("nvmlDeviceGetMemoryInfo")));
  EXPECT_THAT(device.Mig(), StatusIs(absl::StatusCode::kUnimplemented));
  EXPECT_THAT(device.Fabric(), StatusIs(absl::StatusCode::kUnimplemented,
                                        HasSubstr("nvmlDeviceGetGpuFabricInfo is not exported")));
}

TEST(NvmlLibraryTest, OldDriverErrorsUseTheLibraryDescription) {
  ASSERT_OK_AND_ASSIGN(auto library, NvmlLibrary::Open(GPULET_OLD_NVML_STUB_PATH));
  EXPECT_THAT(NvmlDevice::ByIndex(library, 5),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "nvmlDeviceGetHandleByIndex_v2 on GPU 5: Old Stub Error "
                       "(NVML_ERROR_INVALID_ARGUMENT)"));
}

}  // namespace
}  // namespace gpulet::nvml

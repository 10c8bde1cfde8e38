#include "nvml/nvml_error.h"

#include "base/status_matchers.h"
#include "gtest/gtest.h"

namespace gpulet::nvml {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

TEST(NvmlErrorTest, SuccessIsOk) {
  EXPECT_OK(NvmlStatus(NVML_SUCCESS, "nvmlDeviceGetName", "GPU 0", ""));
}

TEST(NvmlErrorTest, MessageNamesCallDeviceAndCode) {
  absl::Status status = NvmlStatus(NVML_ERROR_GPU_IS_LOST, "nvmlDeviceGetName",
                                   "GPU 3", "GPU is lost");
  EXPECT_THAT(status,
              StatusIs(absl::StatusCode::kUnavailable,
                       "nvmlDeviceGetName on GPU 3: GPU is lost "
                       "(NVML_ERROR_GPU_IS_LOST)"));
  EXPECT_EQ(NvmlReturnOf(status), NVML_ERROR_GPU_IS_LOST);
}

TEST(NvmlErrorTest, SystemCallsHaveNoTarget) {
  EXPECT_THAT(NvmlStatus(NVML_ERROR_DRIVER_NOT_LOADED, "nvmlInit", "",
                         "Driver Not Loaded"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "nvmlInit: Driver Not Loaded (NVML_ERROR_DRIVER_NOT_LOADED)"));
}

TEST(NvmlErrorTest, UnknownCodesKeepTheirNumber) {
  absl::Status status =
      NvmlStatus(static_cast<nvmlReturn_t>(512), "nvmlFoo", "GPU 1", "");
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kUnknown, HasSubstr("512")));
  EXPECT_EQ(NvmlReturnOf(status), static_cast<nvmlReturn_t>(512));
}

TEST(NvmlErrorTest, CodesMapToTheMostSpecificCanonicalCode) {
  struct Case {
    nvmlReturn_t result;
    absl::StatusCode code;
  };
  const Case cases[] = {
      {NVML_ERROR_UNINITIALIZED, absl::StatusCode::kFailedPrecondition},
      {NVML_ERROR_INVALID_ARGUMENT, absl::StatusCode::kInvalidArgument},
      {NVML_ERROR_NOT_SUPPORTED, absl::StatusCode::kUnimplemented},
      {NVML_ERROR_NO_PERMISSION, absl::StatusCode::kPermissionDenied},
      {NVML_ERROR_NOT_FOUND, absl::StatusCode::kNotFound},
      {NVML_ERROR_INSUFFICIENT_SIZE, absl::StatusCode::kOutOfRange},
      {NVML_ERROR_TIMEOUT, absl::StatusCode::kDeadlineExceeded},
      {NVML_ERROR_FUNCTION_NOT_FOUND, absl::StatusCode::kUnimplemented},
      {NVML_ERROR_GPU_IS_LOST, absl::StatusCode::kUnavailable},
      {NVML_ERROR_RESET_REQUIRED, absl::StatusCode::kUnavailable},
      {NVML_ERROR_LIB_RM_VERSION_MISMATCH, absl::StatusCode::kFailedPrecondition},
      {NVML_ERROR_MEMORY, absl::StatusCode::kResourceExhausted},
      {NVML_ERROR_ARGUMENT_VERSION_MISMATCH, absl::StatusCode::kInvalidArgument},
      {NVML_ERROR_UNKNOWN, absl::StatusCode::kUnknown},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(StatusCodeFor(c.result), c.code) << ReturnName(c.result);
  }
}

TEST(NvmlErrorTest, StatusesFromElsewhereCarryNoNvmlCode) {
  EXPECT_EQ(NvmlReturnOf(absl::NotFoundError("x")), std::nullopt);
}

}  // namespace
}  // namespace gpulet::nvml

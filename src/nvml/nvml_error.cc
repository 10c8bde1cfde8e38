#include "nvml/nvml_error.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"

namespace gpulet::nvml {
namespace {

constexpr absl::string_view kPayloadUrl = "gpulet.io/nvml-return";

struct ReturnInfo {
  nvmlReturn_t result;
  std::string_view name;
  absl::StatusCode code;
};

constexpr ReturnInfo kReturns[] = {
    {NVML_SUCCESS, "NVML_SUCCESS", absl::StatusCode::kOk},
    {NVML_ERROR_UNINITIALIZED, "NVML_ERROR_UNINITIALIZED",
     absl::StatusCode::kFailedPrecondition},
    {NVML_ERROR_INVALID_ARGUMENT, "NVML_ERROR_INVALID_ARGUMENT",
     absl::StatusCode::kInvalidArgument},
    {NVML_ERROR_NOT_SUPPORTED, "NVML_ERROR_NOT_SUPPORTED",
     absl::StatusCode::kUnimplemented},
    {NVML_ERROR_NO_PERMISSION, "NVML_ERROR_NO_PERMISSION",
     absl::StatusCode::kPermissionDenied},
    {NVML_ERROR_ALREADY_INITIALIZED, "NVML_ERROR_ALREADY_INITIALIZED",
     absl::StatusCode::kAlreadyExists},
    {NVML_ERROR_NOT_FOUND, "NVML_ERROR_NOT_FOUND", absl::StatusCode::kNotFound},
    {NVML_ERROR_INSUFFICIENT_SIZE, "NVML_ERROR_INSUFFICIENT_SIZE",
     absl::StatusCode::kOutOfRange},
    {NVML_ERROR_INSUFFICIENT_POWER, "NVML_ERROR_INSUFFICIENT_POWER",
     absl::StatusCode::kFailedPrecondition},
    {NVML_ERROR_DRIVER_NOT_LOADED, "NVML_ERROR_DRIVER_NOT_LOADED",
     absl::StatusCode::kFailedPrecondition},
    {NVML_ERROR_TIMEOUT, "NVML_ERROR_TIMEOUT",
     absl::StatusCode::kDeadlineExceeded},
    {NVML_ERROR_IRQ_ISSUE, "NVML_ERROR_IRQ_ISSUE", absl::StatusCode::kInternal},
    {NVML_ERROR_LIBRARY_NOT_FOUND, "NVML_ERROR_LIBRARY_NOT_FOUND",
     absl::StatusCode::kFailedPrecondition},
    {NVML_ERROR_FUNCTION_NOT_FOUND, "NVML_ERROR_FUNCTION_NOT_FOUND",
     absl::StatusCode::kUnimplemented},
    {NVML_ERROR_CORRUPTED_INFOROM, "NVML_ERROR_CORRUPTED_INFOROM",
     absl::StatusCode::kDataLoss},
    {NVML_ERROR_GPU_IS_LOST, "NVML_ERROR_GPU_IS_LOST",
     absl::StatusCode::kUnavailable},
    {NVML_ERROR_RESET_REQUIRED, "NVML_ERROR_RESET_REQUIRED",
     absl::StatusCode::kUnavailable},
    {NVML_ERROR_OPERATING_SYSTEM, "NVML_ERROR_OPERATING_SYSTEM",
     absl::StatusCode::kInternal},
    {NVML_ERROR_LIB_RM_VERSION_MISMATCH, "NVML_ERROR_LIB_RM_VERSION_MISMATCH",
     absl::StatusCode::kFailedPrecondition},
    {NVML_ERROR_IN_USE, "NVML_ERROR_IN_USE",
     absl::StatusCode::kFailedPrecondition},
    {NVML_ERROR_MEMORY, "NVML_ERROR_MEMORY",
     absl::StatusCode::kResourceExhausted},
    {NVML_ERROR_NO_DATA, "NVML_ERROR_NO_DATA", absl::StatusCode::kNotFound},
    {NVML_ERROR_VGPU_ECC_NOT_SUPPORTED, "NVML_ERROR_VGPU_ECC_NOT_SUPPORTED",
     absl::StatusCode::kUnimplemented},
    {NVML_ERROR_INSUFFICIENT_RESOURCES, "NVML_ERROR_INSUFFICIENT_RESOURCES",
     absl::StatusCode::kResourceExhausted},
    {NVML_ERROR_FREQ_NOT_SUPPORTED, "NVML_ERROR_FREQ_NOT_SUPPORTED",
     absl::StatusCode::kUnimplemented},
    {NVML_ERROR_ARGUMENT_VERSION_MISMATCH,
     "NVML_ERROR_ARGUMENT_VERSION_MISMATCH", absl::StatusCode::kInvalidArgument},
    {NVML_ERROR_DEPRECATED, "NVML_ERROR_DEPRECATED",
     absl::StatusCode::kUnimplemented},
    {NVML_ERROR_NOT_READY, "NVML_ERROR_NOT_READY",
     absl::StatusCode::kUnavailable},
    {NVML_ERROR_GPU_NOT_FOUND, "NVML_ERROR_GPU_NOT_FOUND",
     absl::StatusCode::kNotFound},
    {NVML_ERROR_INVALID_STATE, "NVML_ERROR_INVALID_STATE",
     absl::StatusCode::kFailedPrecondition},
    {NVML_ERROR_UNKNOWN, "NVML_ERROR_UNKNOWN", absl::StatusCode::kUnknown},
};

const ReturnInfo* Find(nvmlReturn_t result) {
  for (const ReturnInfo& info : kReturns) {
    if (info.result == result) return &info;
  }
  return nullptr;
}

}  // namespace

absl::StatusCode StatusCodeFor(nvmlReturn_t result) {
  const ReturnInfo* info = Find(result);
  return info != nullptr ? info->code : absl::StatusCode::kUnknown;
}

std::string_view ReturnName(nvmlReturn_t result) {
  const ReturnInfo* info = Find(result);
  return info != nullptr ? info->name : "NVML_ERROR_UNRECOGNIZED";
}

absl::Status NvmlStatus(nvmlReturn_t result, std::string_view call,
                        std::string_view target, std::string_view description) {
  if (result == NVML_SUCCESS) return absl::OkStatus();
  std::string message(call);
  if (!target.empty()) message.append(" on ").append(target);
  message.append(": ")
      .append(description.empty() ? "error" : description)
      .append(" (")
      .append(ReturnName(result));
  if (Find(result) == nullptr) {
    message.append(" ").append(std::to_string(static_cast<int>(result)));
  }
  message += ")";
  absl::Status status(StatusCodeFor(result), message);
  status.SetPayload(kPayloadUrl,
                    absl::Cord(std::to_string(static_cast<int>(result))));
  return status;
}

std::optional<nvmlReturn_t> NvmlReturnOf(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kPayloadUrl);
  if (!payload.has_value()) return std::nullopt;
  int value = 0;
  if (!absl::SimpleAtoi(std::string(*payload), &value)) return std::nullopt;
  return static_cast<nvmlReturn_t>(value);
}

}  // namespace gpulet::nvml

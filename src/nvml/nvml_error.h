// Turns NVML return codes into absl::Status values that say which call failed,
// on which device, and why.
//
// The NVML code travels with the status as a payload, so callers that must
// tell "not supported" from "GPU is lost" read NvmlReturnOf() instead of
// parsing messages.
//
// Thread-safe: free functions over values.
#ifndef GPULET_NVML_NVML_ERROR_H_
#define GPULET_NVML_NVML_ERROR_H_

#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "nvml/nvml_abi.h"

namespace gpulet::nvml {

// The canonical code for an NVML return code: NOT_FOUND → kNotFound,
// NOT_SUPPORTED and FUNCTION_NOT_FOUND → kUnimplemented, GPU_IS_LOST →
// kUnavailable, UNINITIALIZED and DRIVER_NOT_LOADED → kFailedPrecondition, ...
absl::StatusCode StatusCodeFor(nvmlReturn_t result);

// NVML's name for a return code, e.g. "NVML_ERROR_GPU_IS_LOST".
std::string_view ReturnName(nvmlReturn_t result);

// OK for NVML_SUCCESS; otherwise a status whose message reads
//   "<call> on <target>: <description> (<NVML name>)"
// e.g. "nvmlDeviceGetName on GPU 3: GPU is lost (NVML_ERROR_GPU_IS_LOST)".
// `target` may be empty for calls that concern no device. `description` is
// the library's nvmlErrorString text when available.
absl::Status NvmlStatus(nvmlReturn_t result, std::string_view call,
                        std::string_view target, std::string_view description);

// The NVML return code carried by a status made by NvmlStatus(), if any.
std::optional<nvmlReturn_t> NvmlReturnOf(const absl::Status& status);

}  // namespace gpulet::nvml

#endif  // GPULET_NVML_NVML_ERROR_H_

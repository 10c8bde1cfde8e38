// Shared pieces of the mock's exported NVML entry points: the export
// attribute (the library is built with hidden visibility and exports only
// the NVML API) and NVML's conventions for string outputs.
//
// Stateless; thread-safe.
#ifndef GPULET_MOCK_NVML_EXPORT_UTIL_H_
#define GPULET_MOCK_NVML_EXPORT_UTIL_H_

#include <cstring>
#include <string_view>

#include "nvml/nvml_abi.h"

#define GPULET_NVML_EXPORT extern "C" __attribute__((visibility("default")))

namespace gpulet::mock {

// Copies `value` with its NUL into `buffer` of `length` bytes, as NVML does:
// INVALID_ARGUMENT for a null buffer, INSUFFICIENT_SIZE when `length` does
// not leave room for the terminator.
inline nvmlReturn_t CopyString(std::string_view value, char* buffer,
                               unsigned int length) {
  if (buffer == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  if (length < value.size() + 1) return NVML_ERROR_INSUFFICIENT_SIZE;
  std::memcpy(buffer, value.data(), value.size());
  buffer[value.size()] = '\0';
  return NVML_SUCCESS;
}

}  // namespace gpulet::mock

#endif  // GPULET_MOCK_NVML_EXPORT_UTIL_H_

// NVML entry points for library lifetime and system-wide queries:
// nvmlInit*, nvmlShutdown, nvmlErrorString, driver/NVML/CUDA versions.
#include "mock/nvml/export_util.h"
#include "mock/nvml/mock_driver.h"

using gpulet::mock::CopyString;
using gpulet::mock::MockDriver;

GPULET_NVML_EXPORT nvmlReturn_t nvmlInit_v2(void) {
  return MockDriver::Get().Init();
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlInit(void) {
  return MockDriver::Get().Init();
}

// The flags only relax conditions (no GPUs, no attach) that the mock never
// enforces, so they change nothing here.
GPULET_NVML_EXPORT nvmlReturn_t nvmlInitWithFlags(unsigned int /*flags*/) {
  return MockDriver::Get().Init();
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlShutdown(void) {
  return MockDriver::Get().Shutdown();
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlSystemGetDriverVersion(char* version,
                                                           unsigned int length) {
  GPULET_MOCK_CALL(call);
  return CopyString(call.machine().profile().driver_version, version, length);
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlSystemGetNVMLVersion(char* version,
                                                         unsigned int length) {
  GPULET_MOCK_CALL(call);
  return CopyString(call.machine().profile().nvml_version, version, length);
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlSystemGetCudaDriverVersion(
    int* cudaDriverVersion) {
  GPULET_MOCK_CALL(call);
  if (cudaDriverVersion == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  *cudaDriverVersion = call.machine().profile().cuda_driver_version;
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(
    int* cudaDriverVersion) {
  return nvmlSystemGetCudaDriverVersion(cudaDriverVersion);
}

// NVML's own texts (libnvidia-ml 550), so that logs read the same.
GPULET_NVML_EXPORT const char* nvmlErrorString(nvmlReturn_t result) {
  switch (result) {
    case NVML_SUCCESS: return "Success";
    case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
    case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
    case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
    case NVML_ERROR_NO_PERMISSION: return "Insufficient Permissions";
    case NVML_ERROR_ALREADY_INITIALIZED: return "Already Initialized";
    case NVML_ERROR_NOT_FOUND: return "Not Found";
    case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
    case NVML_ERROR_INSUFFICIENT_POWER: return "Insufficient External Power";
    case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
    case NVML_ERROR_TIMEOUT: return "Timeout";
    case NVML_ERROR_IRQ_ISSUE: return "Interrupt Request Issue";
    case NVML_ERROR_LIBRARY_NOT_FOUND: return "NVML Shared Library Not Found";
    case NVML_ERROR_FUNCTION_NOT_FOUND: return "Function Not Found";
    case NVML_ERROR_CORRUPTED_INFOROM: return "Corrupted infoROM";
    case NVML_ERROR_GPU_IS_LOST: return "GPU is lost";
    case NVML_ERROR_RESET_REQUIRED: return "GPU requires restart";
    case NVML_ERROR_OPERATING_SYSTEM:
      return "The operating system has blocked the request.";
    case NVML_ERROR_LIB_RM_VERSION_MISMATCH:
      return "RM has detected an NVML/RM version mismatch.";
    case NVML_ERROR_IN_USE: return "In use by another client";
    case NVML_ERROR_MEMORY: return "Insufficient Memory";
    case NVML_ERROR_NO_DATA: return "No data";
    case NVML_ERROR_VGPU_ECC_NOT_SUPPORTED:
      return "The requested vgpu operation is not available on target "
             "device, becasue ECC is enabled";
    case NVML_ERROR_INSUFFICIENT_RESOURCES:
      return "Ran out of critical resources, other than memory";
    case NVML_ERROR_FREQ_NOT_SUPPORTED:
      return "Ran out of critical resources, other than memory";
    case NVML_ERROR_ARGUMENT_VERSION_MISMATCH:
      return "The provided version is invalid/unsupported";
    case NVML_ERROR_DEPRECATED:
      return "The requested functionality has been deprecated";
    case NVML_ERROR_NOT_READY: return "The system is not ready for the request";
    case NVML_ERROR_GPU_NOT_FOUND: return "No GPUs were found";
    case NVML_ERROR_INVALID_STATE:
      return "Resource not in correct state to perform requested operation";
    case NVML_ERROR_UNKNOWN: return "Unknown Error";
  }
  return "Unknown Error";
}

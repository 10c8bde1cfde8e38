// NvmlLibrary: libnvidia-ml.so.1 loaded with dlopen and initialised once.
//
// gpulet never links against NVML, so the binary builds and starts on a
// machine without an NVIDIA driver; the library is found at run time, by
// the dynamic loader's search or by an explicit path (the mock NVML library
// in tests). Versioned symbols are preferred (nvmlInit_v2,
// nvmlDeviceGetPciInfo_v3, ...) with a fallback to the older names for old
// drivers; a function absent from the library makes only its own wrapper
// fail, with kUnimplemented.
//
// Ownership: the process opens it once (inventory::NodeSource) and shares
// the pointer; the last owner's destruction calls nvmlShutdown. The library
// itself stays loaded until the process exits.
// Thread-safety: immutable after Open(); NVML itself is thread-safe, so all
// methods may be called from any thread.
#ifndef GPULET_NVML_NVML_LIBRARY_H_
#define GPULET_NVML_NVML_LIBRARY_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nvml/nvml_abi.h"

namespace gpulet::nvml {

// The library's entry points, or nullptr for those it does not export.
struct NvmlFunctions {
#define GPULET_NVML_POINTER_(name, params) decltype(&::name) name = nullptr;
  GPULET_NVML_FUNCTIONS(GPULET_NVML_POINTER_)
#undef GPULET_NVML_POINTER_
  decltype(&::nvmlErrorString) nvmlErrorString = nullptr;
};

class NvmlLibrary {
 public:
  // The name dlopen searches for when no path is given.
  static constexpr std::string_view kDefaultName = "libnvidia-ml.so.1";

  // Loads the library at `path` (or searches for kDefaultName when empty)
  // and calls nvmlInit. Errors: kFailedPrecondition when the library cannot
  // be loaded or lacks nvmlInit (the message says which and hints at
  // --nvml-library), or the status of a failed nvmlInit (e.g.
  // kFailedPrecondition for NVML_ERROR_DRIVER_NOT_LOADED).
  static absl::StatusOr<std::shared_ptr<const NvmlLibrary>> Open(
      std::string_view path);

  NvmlLibrary(const NvmlLibrary&) = delete;
  NvmlLibrary& operator=(const NvmlLibrary&) = delete;
  ~NvmlLibrary();

  const NvmlFunctions& functions() const { return functions_; }
  // The path given to dlopen.
  const std::string& path() const { return path_; }
  // The file the dynamic loader mapped (its link map entry): where a bare
  // "libnvidia-ml.so.1" was found through ld.so.cache or LD_LIBRARY_PATH.
  // path() when the loader does not say.
  std::string LoadedFrom() const;

  // NvmlStatus() with the library's own description of `result`.
  absl::Status StatusOf(nvmlReturn_t result, std::string_view call,
                        std::string_view target) const;

  // kUnimplemented naming `call` and the library: for a missing entry point.
  absl::Status MissingFunction(std::string_view call) const;

  // System-wide queries.
  absl::StatusOr<std::string> DriverVersion() const;
  absl::StatusOr<std::string> NvmlVersion() const;
  // CUDA driver version as NVML encodes it: 1000 * major + 10 * minor
  // (12040 for CUDA 12.4).
  absl::StatusOr<int> CudaDriverVersion() const;
  absl::StatusOr<unsigned int> DeviceCount() const;

 private:
  NvmlLibrary(void* handle, std::string path, NvmlFunctions functions)
      : handle_(handle), path_(std::move(path)), functions_(functions) {}

  void* handle_;
  std::string path_;
  NvmlFunctions functions_;
};

}  // namespace gpulet::nvml

#endif  // GPULET_NVML_NVML_LIBRARY_H_

#include "nvml/nvml_library.h"

#include <dlfcn.h>
#include <link.h>

#include <utility>

#include "nvml/nvml_error.h"
#include "base/absl_format.h"
#include "spdlog/spdlog.h"

namespace gpulet::nvml {
namespace {

NvmlFunctions Resolve(void* handle) {
  NvmlFunctions f;
#define GPULET_NVML_RESOLVE_(name, params) \
  f.name = reinterpret_cast<decltype(&::name)>(dlsym(handle, #name));
  GPULET_NVML_FUNCTIONS(GPULET_NVML_RESOLVE_)
#undef GPULET_NVML_RESOLVE_
  f.nvmlErrorString =
      reinterpret_cast<decltype(&::nvmlErrorString)>(dlsym(handle, "nvmlErrorString"));
  return f;
}

// Old drivers export only the unversioned names. Their signatures are the
// same for these calls, and the older struct layouts are prefixes of the
// newer ones, so the fallback pointer can stand in for the versioned one.
void FallBackToOlderSymbols(NvmlFunctions& f) {
  if (f.nvmlInit_v2 == nullptr) f.nvmlInit_v2 = f.nvmlInit;
  if (f.nvmlDeviceGetCount_v2 == nullptr) f.nvmlDeviceGetCount_v2 = f.nvmlDeviceGetCount;
  if (f.nvmlDeviceGetHandleByIndex_v2 == nullptr) {
    f.nvmlDeviceGetHandleByIndex_v2 = f.nvmlDeviceGetHandleByIndex;
  }
  if (f.nvmlDeviceGetPciInfo_v3 == nullptr) {
    f.nvmlDeviceGetPciInfo_v3 = f.nvmlDeviceGetPciInfo_v2 != nullptr
                                    ? f.nvmlDeviceGetPciInfo_v2
                                    : f.nvmlDeviceGetPciInfo;
  }
  if (f.nvmlEventSetWait_v2 == nullptr) f.nvmlEventSetWait_v2 = f.nvmlEventSetWait;
  if (f.nvmlSystemGetCudaDriverVersion_v2 == nullptr) {
    f.nvmlSystemGetCudaDriverVersion_v2 = f.nvmlSystemGetCudaDriverVersion;
  }
}

constexpr std::string_view kHint =
    "is the NVIDIA driver installed? Point gpulet at libnvidia-ml.so.1 with "
    "--nvml-library PATH (or GPULET_NVML_LIBRARY)";

}  // namespace

absl::StatusOr<std::shared_ptr<const NvmlLibrary>> NvmlLibrary::Open(
    std::string_view path) {
  std::string target(path.empty() ? kDefaultName : path);
  void* handle = dlopen(target.c_str(), RTLD_LAZY | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return absl::FailedPreconditionError(
        "cannot load NVML library " + target + ": " +
        (why != nullptr ? why : "unknown error") + "; " + std::string(kHint));
  }
  NvmlFunctions functions = Resolve(handle);
  FallBackToOlderSymbols(functions);
  if (functions.nvmlInit_v2 == nullptr || functions.nvmlShutdown == nullptr) {
    dlclose(handle);
    return absl::FailedPreconditionError(
        target + " is not an NVML library: it exports no nvmlInit/nvmlShutdown; " +
        std::string(kHint));
  }
  // Construct before init so that a failed init still unloads the library.
  std::shared_ptr<NvmlLibrary> library(
      new NvmlLibrary(handle, std::move(target), functions));
  nvmlReturn_t result = functions.nvmlInit_v2();
  if (result != NVML_SUCCESS) {
    absl::Status status = library->StatusOf(result, "nvmlInit", "");
    library->functions_.nvmlShutdown = nullptr;  // nothing to shut down
    return status;
  }
  spdlog::debug("NVML loaded from {}", library->path_);
  return std::shared_ptr<const NvmlLibrary>(std::move(library));
}

NvmlLibrary::~NvmlLibrary() {
  if (functions_.nvmlShutdown != nullptr) {
    nvmlReturn_t result = functions_.nvmlShutdown();
    if (result != NVML_SUCCESS) {
      spdlog::warn("{}", StatusOf(result, "nvmlShutdown", ""));
    }
  }
  // The library stays mapped: a driver library is not written to be
  // unloaded (its own threads and atexit handlers may still refer to it),
  // and its process-wide state must stay reachable for leak checkers.
  (void)handle_;
}

std::string NvmlLibrary::LoadedFrom() const {
  struct link_map* map = nullptr;
  if (dlinfo(handle_, RTLD_DI_LINKMAP, &map) != 0 || map == nullptr ||
      map->l_name == nullptr || map->l_name[0] == '\0') {
    return path_;
  }
  return map->l_name;
}

absl::Status NvmlLibrary::StatusOf(nvmlReturn_t result, std::string_view call,
                                   std::string_view target) const {
  if (result == NVML_SUCCESS) return absl::OkStatus();
  const char* description = functions_.nvmlErrorString != nullptr
                                ? functions_.nvmlErrorString(result)
                                : nullptr;
  return NvmlStatus(result, call, target,
                    description != nullptr ? description : "");
}

absl::Status NvmlLibrary::MissingFunction(std::string_view call) const {
  return absl::UnimplementedError(std::string(call) + " is not exported by " +
                                  path_ + " (the driver is older than this call)");
}

namespace {

template <typename Fn>
absl::StatusOr<std::string> ReadSystemString(const NvmlLibrary& lib, Fn fn,
                                             std::string_view call,
                                             unsigned int size) {
  if (fn == nullptr) return lib.MissingFunction(call);
  std::string buffer(size, '\0');
  nvmlReturn_t result = fn(buffer.data(), size);
  if (result != NVML_SUCCESS) return lib.StatusOf(result, call, "");
  buffer.resize(buffer.find('\0'));
  return buffer;
}

}  // namespace

absl::StatusOr<std::string> NvmlLibrary::DriverVersion() const {
  return ReadSystemString(*this, functions_.nvmlSystemGetDriverVersion,
                          "nvmlSystemGetDriverVersion",
                          NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE);
}

absl::StatusOr<std::string> NvmlLibrary::NvmlVersion() const {
  return ReadSystemString(*this, functions_.nvmlSystemGetNVMLVersion,
                          "nvmlSystemGetNVMLVersion",
                          NVML_SYSTEM_NVML_VERSION_BUFFER_SIZE);
}

absl::StatusOr<int> NvmlLibrary::CudaDriverVersion() const {
  constexpr std::string_view kCall = "nvmlSystemGetCudaDriverVersion_v2";
  if (functions_.nvmlSystemGetCudaDriverVersion_v2 == nullptr) {
    return MissingFunction(kCall);
  }
  int version = 0;
  nvmlReturn_t result = functions_.nvmlSystemGetCudaDriverVersion_v2(&version);
  if (result != NVML_SUCCESS) return StatusOf(result, kCall, "");
  return version;
}

absl::StatusOr<unsigned int> NvmlLibrary::DeviceCount() const {
  constexpr std::string_view kCall = "nvmlDeviceGetCount_v2";
  if (functions_.nvmlDeviceGetCount_v2 == nullptr) return MissingFunction(kCall);
  unsigned int count = 0;
  nvmlReturn_t result = functions_.nvmlDeviceGetCount_v2(&count);
  if (result != NVML_SUCCESS) return StatusOf(result, kCall, "");
  return count;
}

}  // namespace gpulet::nvml

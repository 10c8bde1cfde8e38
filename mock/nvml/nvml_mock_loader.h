// NvmlMockLoader: test helper that loads the built mock libnvidia-ml.so.1
// with dlopen, as a real NVML client does, and resolves every function of
// nvml_abi.h by name. Tests call the mock only through it, never by linking
// the mock's internals.
//
// Example:
//   NvmlMockLoader nvml;
//   ASSERT_EQ(nvml.nvmlInit_v2(), NVML_SUCCESS);
//
// One instance per test; the library stays loaded for the process (NVML
// state is process-wide, and each test case runs in its own process).
#ifndef GPULET_MOCK_NVML_NVML_MOCK_LOADER_H_
#define GPULET_MOCK_NVML_NVML_MOCK_LOADER_H_

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "nvml/nvml_abi.h"

namespace gpulet::mock {

class NvmlMockLoader {
 public:
  NvmlMockLoader() {
    handle_ = dlopen(GPULET_MOCK_NVML_PATH, RTLD_NOW | RTLD_LOCAL);
    if (handle_ == nullptr) {
      std::fprintf(stderr, "dlopen %s: %s\n", GPULET_MOCK_NVML_PATH, dlerror());
      std::abort();
    }
#define GPULET_NVML_RESOLVE_(name, params) Resolve(#name, &name);
    GPULET_NVML_FUNCTIONS(GPULET_NVML_RESOLVE_)
#undef GPULET_NVML_RESOLVE_
    Resolve("nvmlErrorString", &nvmlErrorString);
  }

  void* handle() const { return handle_; }

  // Shuts NVML down however often a test initialised it: the mock reads its
  // environment (machine, control file) again only at an init after the
  // last shutdown, and the library stays loaded for the next test.
  void ShutdownAll() {
    while (nvmlShutdown() == NVML_SUCCESS) {
    }
  }

#define GPULET_NVML_MEMBER_(name, params) nvmlReturn_t(*name) params = nullptr;
  GPULET_NVML_FUNCTIONS(GPULET_NVML_MEMBER_)
#undef GPULET_NVML_MEMBER_
  const char* (*nvmlErrorString)(nvmlReturn_t) = nullptr;

 private:
  template <typename F>
  void Resolve(const char* name, F* fn) {
    *fn = reinterpret_cast<F>(dlsym(handle_, name));
    if (*fn == nullptr) {
      std::fprintf(stderr, "dlsym %s: missing\n", name);
      std::abort();
    }
  }

  void* handle_ = nullptr;
};

}  // namespace gpulet::mock

#endif  // GPULET_MOCK_NVML_NVML_MOCK_LOADER_H_

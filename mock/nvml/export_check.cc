// Takes the address of every function of the NVML ABI subset so that the
// link (with --no-undefined) fails if the mock leaves one out.
#include "nvml/nvml_abi.h"

namespace gpulet::mock {
namespace {

#define GPULET_NVML_ADDRESS_(name, params) reinterpret_cast<const void*>(&name),
[[maybe_unused]] const void* const kExported[] = {
    GPULET_NVML_FUNCTIONS(GPULET_NVML_ADDRESS_)
    reinterpret_cast<const void*>(&nvmlErrorString)};
#undef GPULET_NVML_ADDRESS_

}  // namespace
}  // namespace gpulet::mock

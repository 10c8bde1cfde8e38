// Human names for NVML's architecture and brand enums, as NVIDIA's tools
// print them (GFD's nvidia.com/gpu.family uses the lower-case architecture).
#ifndef GPULET_INVENTORY_GPU_NAMES_H_
#define GPULET_INVENTORY_GPU_NAMES_H_

#include <string>

#include "nvml/nvml_abi.h"

namespace gpulet::inventory {

// "kepler", "maxwell", "pascal", "volta", "turing", "ampere", "ada-lovelace",
// "hopper", "blackwell"; "unknown" otherwise.
std::string ArchitectureName(nvmlDeviceArchitecture_t arch);

// "Tesla", "Quadro", "NVIDIA", "GeForce", ...; "Unknown" otherwise.
std::string BrandName(nvmlBrandType_t brand);

}  // namespace gpulet::inventory

#endif  // GPULET_INVENTORY_GPU_NAMES_H_

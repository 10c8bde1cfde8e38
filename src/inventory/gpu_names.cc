#include "inventory/gpu_names.h"

namespace gpulet::inventory {

std::string ArchitectureName(nvmlDeviceArchitecture_t arch) {
  switch (arch) {
    case NVML_DEVICE_ARCH_KEPLER: return "kepler";
    case NVML_DEVICE_ARCH_MAXWELL: return "maxwell";
    case NVML_DEVICE_ARCH_PASCAL: return "pascal";
    case NVML_DEVICE_ARCH_VOLTA: return "volta";
    case NVML_DEVICE_ARCH_TURING: return "turing";
    case NVML_DEVICE_ARCH_AMPERE: return "ampere";
    case NVML_DEVICE_ARCH_ADA: return "ada-lovelace";
    case NVML_DEVICE_ARCH_HOPPER: return "hopper";
    case NVML_DEVICE_ARCH_BLACKWELL: return "blackwell";
    default: return "unknown";
  }
}

std::string BrandName(nvmlBrandType_t brand) {
  switch (brand) {
    case NVML_BRAND_QUADRO: return "Quadro";
    case NVML_BRAND_TESLA: return "Tesla";
    case NVML_BRAND_NVS: return "NVS";
    case NVML_BRAND_GRID: return "Grid";
    case NVML_BRAND_GEFORCE: return "GeForce";
    case NVML_BRAND_TITAN: return "Titan";
    case NVML_BRAND_NVIDIA_VAPPS: return "NVIDIA Virtual Applications";
    case NVML_BRAND_NVIDIA_VPC: return "NVIDIA Virtual PC";
    case NVML_BRAND_NVIDIA_VCS: return "NVIDIA Virtual Compute Server";
    case NVML_BRAND_NVIDIA_VWS: return "NVIDIA RTX Virtual Workstation";
    case NVML_BRAND_NVIDIA_CLOUD_GAMING: return "NVIDIA Cloud Gaming";
    case NVML_BRAND_QUADRO_RTX: return "Quadro RTX";
    case NVML_BRAND_NVIDIA_RTX: return "NVIDIA RTX";
    case NVML_BRAND_NVIDIA: return "NVIDIA";
    case NVML_BRAND_GEFORCE_RTX: return "GeForce RTX";
    case NVML_BRAND_TITAN_RTX: return "Titan RTX";
    default: return "Unknown";
  }
}

}  // namespace gpulet::inventory

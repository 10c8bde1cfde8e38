#include "inventory/inventory.h"

#include <algorithm>

namespace gpulet::inventory {

std::string Inventory::CudaDriverVersionString() const {
  if (cuda_driver_version <= 0) return "";
  return std::to_string(cuda_driver_version / 1000) + "." +
         std::to_string(cuda_driver_version % 1000 / 10);
}

std::vector<int> Inventory::NumaNodes() const {
  std::vector<int> nodes;
  for (const Gpu& gpu : gpus) {
    if (gpu.numa_node.has_value()) nodes.push_back(*gpu.numa_node);
  }
  std::sort(nodes.begin(), nodes.end());
  nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
  return nodes;
}

const Gpu* Inventory::FindGpuByUuid(std::string_view uuid) const {
  for (const Gpu& gpu : gpus) {
    if (gpu.uuid == uuid) return &gpu;
  }
  return nullptr;
}

}  // namespace gpulet::inventory

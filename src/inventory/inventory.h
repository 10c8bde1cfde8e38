// Inventory: one immutable snapshot of the node's GPUs.
//
// Built once from NVML and the host filesystem (inventory_builder.h), then
// read by everything downstream — resources, labels, CDI, health, `gpulet
// info` — so that they all describe the same machine. A change (MIG layout,
// driver) produces a new Inventory; an existing one never changes, and is
// shared as std::shared_ptr<const Inventory>.
//
// Plain values; thread-safe to read once built.
#ifndef GPULET_INVENTORY_INVENTORY_H_
#define GPULET_INVENTORY_INVENTORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hostfs/device_node_finder.h"
#include "nvml/nvml_types.h"

namespace gpulet::inventory {

// A device node a workload needs, or the name of one that was not found.
struct DeviceNodeRef {
  std::string name;  // below /dev: "nvidia0", "nvidia-caps/nvidia-cap12"
  // Where it is on the host; nullopt when no dev root holds it.
  std::optional<hostfs::DeviceNode> node;
  bool found() const { return node.has_value(); }
};

// A MIG device: one compute instance of one GPU instance.
struct MigDevice {
  unsigned int index = 0;  // slot index on the parent (nvmlDeviceGetMigDeviceHandleByIndex)
  std::string uuid;        // "MIG-..."
  unsigned int gpu_instance_id = 0;
  unsigned int compute_instance_id = 0;
  // The profile in NVIDIA's naming: "1g.10gb", "1c.3g.40gb", "1g.10gb+me".
  std::string profile;
  nvml::DeviceAttributes attributes;  // memory_mib, SM count, slices, engines
  // GI and CI access capability nodes (nvidia-caps) from mig-minors.
  std::vector<DeviceNodeRef> device_nodes;
};

// One NVLink of a GPU that is up.
struct NvLink {
  unsigned int link = 0;
  std::string remote_bus_id;  // NVML form
  // Index of the GPU at the other end; nullopt for an NVSwitch or anything
  // that is not one of this node's GPUs.
  std::optional<unsigned int> remote_gpu;
};

struct Gpu {
  unsigned int index = 0;  // NVML enumeration index
  std::string uuid;        // "GPU-..."
  std::string name;        // "NVIDIA H100 80GB HBM3"
  std::string serial;      // empty when NVML has none
  unsigned int minor = 0;  // /dev/nvidia<minor>
  std::string pci_bus_id;  // NVML form, "00000000:18:00.0"
  unsigned int pci_device_id = 0;
  std::optional<int> numa_node;
  uint64_t memory_total_bytes = 0;
  nvml::ComputeCapability compute_capability;
  std::string architecture;  // "hopper", "ampere", ... ("unknown")
  std::string brand;         // "Tesla", "NVIDIA", ... ("Unknown")
  bool mig_capable = false;
  bool mig_enabled = false;   // current mode
  bool mig_pending = false;   // mode after the next GPU reset
  std::vector<MigDevice> mig_devices;
  std::vector<NvLink> nvlinks;
  std::vector<DeviceNodeRef> device_nodes;  // /dev/nvidia<minor>
  // NVLink fabric registration; nullopt when the GPU or the driver has no
  // fabric support (pre-Hopper GPUs, drivers before the fabric calls).
  std::optional<nvml::FabricInfo> fabric;
  // Why some of this GPU could not be read (e.g. it fell off the bus);
  // empty when everything was read. A GPU with a problem keeps the fields
  // that were read before it.
  std::string problem;

  uint64_t memory_total_mib() const { return memory_total_bytes >> 20; }
};

struct Inventory {
  std::string driver_version;   // "550.54.15"
  int cuda_driver_version = 0;  // 12040 for CUDA 12.4
  std::string nvml_version;
  std::vector<Gpu> gpus;        // by index
  // PCIe distance between GPUs: pcie_levels[i][j] for GPU indices i, j.
  std::vector<std::vector<nvml::TopologyLevel>> pcie_levels;
  // nvidiactl, nvidia-uvm, ... that exist.
  std::vector<hostfs::DeviceNode> control_nodes;

  // "12.4" from 12040.
  std::string CudaDriverVersionString() const;
  // Distinct NUMA nodes of the GPUs, sorted.
  std::vector<int> NumaNodes() const;
  const Gpu* FindGpuByUuid(std::string_view uuid) const;
};

}  // namespace gpulet::inventory

#endif  // GPULET_INVENTORY_INVENTORY_H_

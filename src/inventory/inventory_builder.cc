#include "inventory/inventory_builder.h"

#include <utility>

#include "base/absl_format.h"
#include "base/status_macros.h"
#include "hostfs/mig_minors.h"
#include "hostfs/pci_bus_id.h"
#include "inventory/gpu_names.h"
#include "inventory/mig_profile_name.h"
#include "nvml/nvml_device.h"
#include "nvml/nvml_instance.h"
#include "spdlog/spdlog.h"

namespace gpulet::inventory {
namespace {

using nvml::NvmlDevice;

DeviceNodeRef FindNode(const hostfs::HostFs& host, std::string name) {
  DeviceNodeRef ref;
  absl::StatusOr<hostfs::DeviceNode> node = host.device_nodes().Find(name);
  if (node.ok()) ref.node = *std::move(node);
  ref.name = std::move(name);
  return ref;
}

// NUMA node from sysfs as the NVIDIA plugin reads it; NVML's answer when
// sysfs has no entry for the device (a mock machine, some VMs).
std::optional<int> ReadNumaNode(const NvmlDevice& device,
                                const hostfs::HostFs& host,
                                const std::string& bus_id) {
  absl::StatusOr<hostfs::PciBusId> parsed = hostfs::PciBusId::Parse(bus_id);
  if (parsed.ok()) {
    absl::StatusOr<std::optional<int>> node = host.ReadNumaNode(*parsed);
    if (node.ok()) return *node;
    if (!absl::IsNotFound(node.status())) {
      spdlog::warn("{}: {}", device.description(), node.status());
    }
  }
  absl::StatusOr<unsigned int> nvml_node = device.NumaNode();
  if (nvml_node.ok()) return static_cast<int>(*nvml_node);
  return std::nullopt;
}

// The NVML_GPU_INSTANCE_PROFILE_* index whose profile id the GPU instance
// was made from.
std::optional<unsigned int> GpuInstanceProfileIndex(const NvmlDevice& parent,
                                                    unsigned int gi_id) {
  absl::StatusOr<nvml::NvmlGpuInstance> instance = parent.GpuInstanceById(gi_id);
  if (!instance.ok()) return std::nullopt;
  absl::StatusOr<nvml::GpuInstanceInfo> info = instance->Info();
  if (!info.ok()) return std::nullopt;
  for (unsigned int i = 0; i < NVML_GPU_INSTANCE_PROFILE_COUNT; ++i) {
    absl::StatusOr<nvml::GpuInstanceProfile> profile =
        parent.GpuInstanceProfileInfo(i);
    if (profile.ok() && profile->id == info->profile_id) return i;
  }
  return std::nullopt;
}

absl::StatusOr<MigDevice> ReadMigDevice(const NvmlDevice& parent,
                                        const NvmlDevice& mig, unsigned int slot,
                                        const Gpu& gpu,
                                        const hostfs::MigMinors* minors,
                                        const hostfs::HostFs& host) {
  MigDevice out;
  out.index = slot;
  ASSIGN_OR_RETURN(out.uuid, mig.Uuid());
  ASSIGN_OR_RETURN(out.gpu_instance_id, mig.GpuInstanceId());
  ASSIGN_OR_RETURN(out.compute_instance_id, mig.ComputeInstanceId());
  ASSIGN_OR_RETURN(out.attributes, mig.Attributes());
  out.profile = MigProfileName(
      out.attributes.gpu_instance_slice_count,
      out.attributes.compute_instance_slice_count, gpu.memory_total_bytes,
      out.attributes.memory_mib, GpuInstanceProfileIndex(parent, out.gpu_instance_id));
  if (minors != nullptr) {
    const int gpu_minor = static_cast<int>(gpu.minor);
    const int gi = static_cast<int>(out.gpu_instance_id);
    const int ci = static_cast<int>(out.compute_instance_id);
    for (const hostfs::MigCapId& cap :
         {hostfs::MigCapId{gpu_minor, gi, std::nullopt},
          hostfs::MigCapId{gpu_minor, gi, ci}}) {
      std::optional<int> cap_minor = minors->Find(cap);
      if (!cap_minor.has_value()) {
        out.device_nodes.push_back(DeviceNodeRef{cap.ToString(), std::nullopt});
        continue;
      }
      out.device_nodes.push_back(
          FindNode(host, hostfs::MigMinors::DeviceNodeName(*cap_minor)));
    }
  }
  return out;
}

absl::Status ReadMig(const NvmlDevice& device, const hostfs::HostFs& host,
                     const hostfs::MigMinors* minors, Gpu& gpu) {
  absl::StatusOr<nvml::MigMode> mode = device.Mig();
  if (absl::IsUnimplemented(mode.status())) return absl::OkStatus();
  RETURN_IF_ERROR(mode.status());
  gpu.mig_capable = true;
  gpu.mig_enabled = mode->current_enabled;
  gpu.mig_pending = mode->pending_enabled;
  if (!gpu.mig_enabled) return absl::OkStatus();
  ASSIGN_OR_RETURN(unsigned int slots, device.MaxMigDeviceCount());
  for (unsigned int slot = 0; slot < slots; ++slot) {
    absl::StatusOr<NvmlDevice> mig = device.MigDeviceByIndex(slot);
    if (absl::IsNotFound(mig.status())) continue;
    RETURN_IF_ERROR(mig.status());
    ASSIGN_OR_RETURN(MigDevice mig_device,
                     ReadMigDevice(device, *mig, slot, gpu, minors, host));
    gpu.mig_devices.push_back(std::move(mig_device));
  }
  return absl::OkStatus();
}

void ReadNvLinks(const NvmlDevice& device, Gpu& gpu) {
  for (unsigned int link = 0; link < NVML_NVLINK_MAX_LINKS; ++link) {
    absl::StatusOr<bool> active = device.NvLinkActive(link);
    if (!active.ok() || !*active) continue;
    absl::StatusOr<nvml::PciInfo> remote = device.NvLinkRemotePci(link);
    if (!remote.ok()) continue;
    gpu.nvlinks.push_back(NvLink{link, remote->bus_id, std::nullopt});
  }
}

// A fabric query that fails for another reason than missing support
// leaves the GPU out of the fabric labels but keeps it usable.
void ReadFabric(const NvmlDevice& device, Gpu& gpu) {
  absl::StatusOr<nvml::FabricInfo> fabric = device.Fabric();
  if (fabric.ok()) {
    gpu.fabric = *fabric;
  } else if (!absl::IsUnimplemented(fabric.status())) {
    spdlog::warn("{}: NVLink fabric state unreadable: {}", device.description(),
                 fabric.status());
  }
}

// Reads everything about one GPU; stops at the first failure, which the
// caller records as the GPU's problem.
absl::Status ReadGpu(const NvmlDevice& device, const hostfs::HostFs& host,
                     const hostfs::MigMinors* minors, Gpu& gpu) {
  ASSIGN_OR_RETURN(gpu.uuid, device.Uuid());
  ASSIGN_OR_RETURN(gpu.name, device.Name());
  ASSIGN_OR_RETURN(gpu.minor, device.MinorNumber());
  gpu.device_nodes.push_back(FindNode(host, "nvidia" + std::to_string(gpu.minor)));
  ASSIGN_OR_RETURN(nvml::PciInfo pci, device.Pci());
  gpu.pci_bus_id = pci.bus_id;
  gpu.pci_device_id = pci.pci_device_id;
  gpu.numa_node = ReadNumaNode(device, host, gpu.pci_bus_id);
  ASSIGN_OR_RETURN(nvml::MemoryInfo memory, device.Memory());
  gpu.memory_total_bytes = memory.total_bytes;
  ASSIGN_OR_RETURN(gpu.compute_capability, device.CudaComputeCapability());
  absl::StatusOr<nvmlDeviceArchitecture_t> arch = device.Architecture();
  gpu.architecture = ArchitectureName(arch.ok() ? *arch : NVML_DEVICE_ARCH_UNKNOWN);
  absl::StatusOr<nvmlBrandType_t> brand = device.Brand();
  gpu.brand = BrandName(brand.ok() ? *brand : NVML_BRAND_UNKNOWN);
  absl::StatusOr<std::string> serial = device.Serial();
  if (serial.ok()) gpu.serial = *std::move(serial);
  RETURN_IF_ERROR(ReadMig(device, host, minors, gpu));
  ReadNvLinks(device, gpu);
  ReadFabric(device, gpu);
  return absl::OkStatus();
}

void LinkPeersAndTopology(const std::vector<NvmlDevice>& devices,
                          Inventory& inventory) {
  for (Gpu& gpu : inventory.gpus) {
    for (NvLink& link : gpu.nvlinks) {
      for (const Gpu& peer : inventory.gpus) {
        if (peer.index != gpu.index && !peer.pci_bus_id.empty() &&
            peer.pci_bus_id == link.remote_bus_id) {
          link.remote_gpu = peer.index;
        }
      }
    }
  }
  const size_t n = devices.size();
  inventory.pcie_levels.assign(
      n, std::vector<nvml::TopologyLevel>(n, nvml::TopologyLevel::kSystem));
  for (size_t i = 0; i < n; ++i) {
    inventory.pcie_levels[i][i] = nvml::TopologyLevel::kInternal;
    for (size_t j = i + 1; j < n; ++j) {
      absl::StatusOr<nvml::TopologyLevel> level =
          devices[i].CommonAncestor(devices[j]);
      if (!level.ok()) continue;
      inventory.pcie_levels[i][j] = inventory.pcie_levels[j][i] = *level;
    }
  }
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Inventory>> BuildInventory(
    const std::shared_ptr<const nvml::NvmlLibrary>& library,
    const hostfs::HostFs& host) {
  auto inventory = std::make_shared<Inventory>();
  ASSIGN_OR_RETURN(inventory->driver_version, library->DriverVersion());
  absl::StatusOr<int> cuda = library->CudaDriverVersion();
  if (cuda.ok()) inventory->cuda_driver_version = *cuda;
  absl::StatusOr<std::string> nvml_version = library->NvmlVersion();
  if (nvml_version.ok()) inventory->nvml_version = *std::move(nvml_version);
  ASSIGN_OR_RETURN(unsigned int count, library->DeviceCount());

  absl::StatusOr<hostfs::MigMinors> minors = host.ReadMigMinors();
  if (!minors.ok() && !absl::IsNotFound(minors.status())) {
    spdlog::warn("MIG capability minors unreadable: {}", minors.status());
  }
  const hostfs::MigMinors* minors_ptr = minors.ok() ? &*minors : nullptr;

  std::vector<NvmlDevice> devices;
  for (unsigned int index = 0; index < count; ++index) {
    Gpu gpu;
    gpu.index = index;
    absl::StatusOr<NvmlDevice> device = NvmlDevice::ByIndex(library, index);
    absl::Status status = device.status();
    if (device.ok()) {
      status = ReadGpu(*device, host, minors_ptr, gpu);
      devices.push_back(*device);
    }
    if (!status.ok()) {
      gpu.problem = std::string(status.message());
      spdlog::warn("GPU {}: {}", index, status);
    }
    inventory->gpus.push_back(std::move(gpu));
  }
  if (devices.size() == count) LinkPeersAndTopology(devices, *inventory);
  inventory->control_nodes = host.device_nodes().FindControlNodes();
  return std::shared_ptr<const Inventory>(std::move(inventory));
}

}  // namespace gpulet::inventory

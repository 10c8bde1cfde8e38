#include "resources/base_resources.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"
#include "base/status_macros.h"

namespace gpulet::resources {
namespace {

std::string GpuLabel(const inventory::Gpu& gpu) {
  return absl::StrCat("GPU ", gpu.index, " (", gpu.uuid, ")");
}

// The single strategy: every GPU MIG-enabled with MIG devices of one
// profile, all of which become nvidia.com/gpu.
absl::StatusOr<std::vector<Device>> SingleStrategyDevices(
    const inventory::Inventory& inventory) {
  std::vector<Device> devices;
  std::string profile;
  for (const inventory::Gpu& gpu : inventory.gpus) {
    if (!gpu.mig_enabled) {
      return absl::InvalidArgumentError(absl::StrCat(
          "migStrategy single: ", GpuLabel(gpu),
          " is not MIG-enabled; every GPU must be"));
    }
    if (gpu.mig_devices.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "migStrategy single: ", GpuLabel(gpu),
          " is MIG-enabled but has no MIG devices"));
    }
    for (const inventory::MigDevice& mig : gpu.mig_devices) {
      if (profile.empty()) profile = mig.profile;
      if (mig.profile != profile) {
        return absl::InvalidArgumentError(absl::StrCat(
            "migStrategy single: MIG devices of more than one profile (",
            profile, " and ", mig.profile, " on ", GpuLabel(gpu),
            "); use the mixed strategy"));
      }
      ASSIGN_OR_RETURN(Device device, MigDeviceOf(gpu, mig));
      devices.push_back(std::move(device));
    }
  }
  return devices;
}

absl::Status AddMixedMigDevices(const inventory::Gpu& gpu, BaseResources& out) {
  if (gpu.mig_devices.empty()) {
    out.warnings.push_back(absl::StrCat(
        GpuLabel(gpu), " is MIG-enabled but has no MIG devices; it offers no "
                       "resource"));
  }
  for (const inventory::MigDevice& mig : gpu.mig_devices) {
    ASSIGN_OR_RETURN(MigProfile profile, MigProfile::Parse(mig.profile));
    if (!profile.is_full_gpu_instance()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "migStrategy mixed: MIG device ", gpu.index, ":", mig.index, " (",
          mig.uuid, ") has profile ", mig.profile,
          ", which matches no resource: only whole GPU instances get one"));
    }
    ASSIGN_OR_RETURN(ResourceName name, ResourceName::Parse(absl::StrCat(
                                            "mig-", profile.ResourceSuffix())));
    ASSIGN_OR_RETURN(Device device, MigDeviceOf(gpu, mig));
    out.devices[name].push_back(std::move(device));
  }
  return absl::OkStatus();
}

}  // namespace

Device GpuDevice(const inventory::Gpu& gpu) {
  Device device;
  device.id = DeviceId(gpu.uuid);
  device.index = std::to_string(gpu.index);
  device.gpu_index = gpu.index;
  device.gpu_uuid = gpu.uuid;
  device.numa_node = gpu.numa_node;
  device.device_nodes = gpu.device_nodes;
  device.memory_bytes = gpu.memory_total_bytes;
  if (!gpu.problem.empty()) {
    device.health = Health::kUnhealthy;
    device.problem = gpu.problem;
  }
  return device;
}

absl::StatusOr<Device> MigDeviceOf(const inventory::Gpu& gpu,
                                   const inventory::MigDevice& mig) {
  Device device = GpuDevice(gpu);
  ASSIGN_OR_RETURN(MigProfile profile, MigProfile::Parse(mig.profile));
  device.id = DeviceId(mig.uuid);
  device.index = absl::StrCat(gpu.index, ":", mig.index);
  device.mig_profile = std::move(profile);
  device.gpu_instance_id = mig.gpu_instance_id;
  device.compute_instance_id = mig.compute_instance_id;
  // The parent's /dev/nvidia<minor> first, then the GI and CI caps.
  device.device_nodes.insert(device.device_nodes.end(), mig.device_nodes.begin(),
                             mig.device_nodes.end());
  device.memory_bytes = mig.attributes.memory_mib << 20;
  return device;
}

// A GPU whose UUID could not be read (lost before it was ever read) has no
// identity the kubelet could allocate by; advertising it would hand the
// kubelet an empty device ID, the same one for every such GPU.
bool Unidentified(const inventory::Gpu& gpu, BaseResources& out) {
  if (!gpu.uuid.empty() || gpu.problem.empty()) return false;
  out.warnings.push_back(absl::StrCat("GPU ", gpu.index,
                                      " is not advertised: its UUID cannot be read (",
                                      gpu.problem, ")"));
  return true;
}

absl::StatusOr<BaseResources> BuildBaseResources(
    const inventory::Inventory& inventory, MigStrategy strategy) {
  BaseResources out;
  switch (strategy) {
    case MigStrategy::kNone:
      for (const inventory::Gpu& gpu : inventory.gpus) {
        if (Unidentified(gpu, out)) continue;
        out.devices[ResourceName::Gpu()].push_back(GpuDevice(gpu));
      }
      break;
    case MigStrategy::kSingle: {
      ASSIGN_OR_RETURN(out.devices[ResourceName::Gpu()],
                       SingleStrategyDevices(inventory));
      break;
    }
    case MigStrategy::kMixed:
      for (const inventory::Gpu& gpu : inventory.gpus) {
        if (Unidentified(gpu, out)) continue;
        if (!gpu.mig_enabled) {
          out.devices[ResourceName::Gpu()].push_back(GpuDevice(gpu));
          continue;
        }
        RETURN_IF_ERROR(AddMixedMigDevices(gpu, out));
      }
      break;
  }
  return out;
}

}  // namespace gpulet::resources

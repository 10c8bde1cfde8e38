// NVML entry points for the interconnect: PCIe topology between two GPUs
// and NVLink link state and remote ends, and the GPU's registration with
// the NVLink fabric. Physical GPUs only.
#include <cstdio>
#include <cstring>

#include "mock/nvml/export_util.h"
#include "mock/nvml/mock_driver.h"

using gpulet::mock::Accept;
using gpulet::mock::FabricProfile;
using gpulet::mock::GpuProfile;
using gpulet::mock::MockDriver;
using gpulet::mock::NvLinkGroup;

namespace {

// PCI device ids of the NVSwitch chips a GPU's links end on when the remote
// end is not another GPU of the machine.
constexpr unsigned int kNvSwitchHopper = 0x22A310DE;
constexpr unsigned int kNvSwitchAmpere = 0x1AF110DE;

// The closest common ancestor of two GPUs in the PCIe tree, from their
// paths: same leaf switch, a shared upper switch, the same host bridge, the
// same NUMA node, or across the CPU interconnect.
nvmlGpuTopologyLevel_t Level(const GpuProfile& a, const GpuProfile& b) {
  const auto& sa = a.topology.switches;
  const auto& sb = b.topology.switches;
  if (a.topology.host_bridge == b.topology.host_bridge) {
    if (!sa.empty() && !sb.empty() && sa.back() == sb.back()) {
      return NVML_TOPOLOGY_SINGLE;
    }
    if (!sa.empty() && !sb.empty() && sa.front() == sb.front()) {
      return NVML_TOPOLOGY_MULTIPLE;
    }
    return NVML_TOPOLOGY_HOSTBRIDGE;
  }
  if (a.numa_node.has_value() && a.numa_node == b.numa_node) {
    return NVML_TOPOLOGY_NODE;
  }
  return NVML_TOPOLOGY_SYSTEM;
}

// The link group holding `link`, or nullptr past the GPU's last link.
const NvLinkGroup* LinkGroup(const GpuProfile& g, unsigned int link) {
  for (const NvLinkGroup& group : g.nvlinks) {
    if (link < group.count) return &group;
    link -= group.count;
  }
  return nullptr;
}

// Validates (device, link) for the NVLink queries. A GPU without NVLink
// answers NOT_SUPPORTED for every link; one with links answers
// INVALID_ARGUMENT past NVML_NVLINK_MAX_LINKS and NOT_SUPPORTED for links
// it does not have.
nvmlReturn_t ResolveLink(MockDriver::Call& call, nvmlDevice_t device,
                         unsigned int link, const GpuProfile** gpu,
                         const NvLinkGroup** group) {
  const nvmlDevice_st* d = nullptr;
  if (auto r = call.Device(device, Accept::kGpu, &d); r != NVML_SUCCESS) {
    return r;
  }
  *gpu = &call.machine().GpuOf(d);
  if ((*gpu)->nvlinks.empty()) return NVML_ERROR_NOT_SUPPORTED;
  if (link >= NVML_NVLINK_MAX_LINKS) return NVML_ERROR_INVALID_ARGUMENT;
  *group = LinkGroup(**gpu, link);
  return *group == nullptr ? NVML_ERROR_NOT_SUPPORTED : NVML_SUCCESS;
}

}  // namespace

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetTopologyCommonAncestor(
    nvmlDevice_t device1, nvmlDevice_t device2,
    nvmlGpuTopologyLevel_t* pathInfo) {
  MockDriver::Call call(__func__);
  const nvmlDevice_st* a = nullptr;
  const nvmlDevice_st* b = nullptr;
  if (auto r = call.Device(device1, Accept::kGpu, &a); r != NVML_SUCCESS) {
    return r;
  }
  if (auto r = call.Device(device2, Accept::kGpu, &b); r != NVML_SUCCESS) {
    return r;
  }
  if (pathInfo == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  *pathInfo = a == b ? NVML_TOPOLOGY_INTERNAL
                     : Level(call.machine().GpuOf(a), call.machine().GpuOf(b));
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetNvLinkState(
    nvmlDevice_t device, unsigned int link, nvmlEnableState_t* isActive) {
  MockDriver::Call call(__func__);
  const GpuProfile* gpu = nullptr;
  const NvLinkGroup* group = nullptr;
  if (auto r = ResolveLink(call, device, link, &gpu, &group);
      r != NVML_SUCCESS) {
    return r;
  }
  if (isActive == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  *isActive = group->active ? NVML_FEATURE_ENABLED : NVML_FEATURE_DISABLED;
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetNvLinkRemotePciInfo_v2(
    nvmlDevice_t device, unsigned int link, nvmlPciInfo_t* pci) {
  MockDriver::Call call(__func__);
  const GpuProfile* gpu = nullptr;
  const NvLinkGroup* group = nullptr;
  if (auto r = ResolveLink(call, device, link, &gpu, &group);
      r != NVML_SUCCESS) {
    return r;
  }
  if (pci == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  std::memset(pci, 0, sizeof(*pci));
  unsigned int domain = 0, bus = 0, dev = 0;
  std::sscanf(group->remote_bus_id.c_str(), "%x:%x:%x", &domain, &bus, &dev);
  std::snprintf(pci->busIdLegacy, sizeof(pci->busIdLegacy), "%04X:%02X:%02X.0",
                domain, bus, dev);
  std::snprintf(pci->busId, sizeof(pci->busId), "%s",
                group->remote_bus_id.c_str());
  pci->domain = domain;
  pci->bus = bus;
  pci->device = dev;
  pci->pciDeviceId = gpu->architecture == NVML_DEVICE_ARCH_HOPPER
                         ? kNvSwitchHopper
                         : kNvSwitchAmpere;
  for (const GpuProfile& peer : call.machine().profile().gpus) {
    if (peer.pci.bus_id == group->remote_bus_id) {
      pci->pciDeviceId = peer.pci.device_id;
      pci->pciSubSystemId = peer.pci.subsystem_id;
    }
  }
  return NVML_SUCCESS;
}

namespace {

// Fills the fields both fabric info layouts share.
template <typename Info>
nvmlReturn_t FillFabric(nvmlDevice_t device, Info* info, unsigned int* health,
                        const char* function) {
  GPULET_MOCK_DEVICE_CALL_AS(call, d, device, Accept::kGpu, function);
  if (info == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  const GpuProfile& gpu = call.machine().GpuOf(d);
  if (!gpu.fabric.has_value() && gpu.architecture < NVML_DEVICE_ARCH_HOPPER) {
    return NVML_ERROR_NOT_SUPPORTED;
  }
  const FabricProfile fabric = gpu.fabric.value_or(
      FabricProfile{.state = NVML_GPU_FABRIC_STATE_NOT_SUPPORTED});
  std::memcpy(info->clusterUuid, fabric.cluster_uuid.data(),
              NVML_GPU_FABRIC_UUID_LEN);
  info->status = static_cast<nvmlReturn_t>(fabric.status);
  info->cliqueId = fabric.clique_id;
  info->state = static_cast<nvmlGpuFabricState_t>(fabric.state);
  if (health != nullptr) *health = fabric.health_mask;
  return NVML_SUCCESS;
}

}  // namespace

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetGpuFabricInfo(
    nvmlDevice_t device, nvmlGpuFabricInfo_t* gpuFabricInfo) {
  return FillFabric(device, gpuFabricInfo, nullptr, __func__);
}

// Only the v2 layout exists; another version is a caller built against a
// header this library does not know.
GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetGpuFabricInfoV(
    nvmlDevice_t device, nvmlGpuFabricInfoV_t* gpuFabricInfo) {
  if (gpuFabricInfo != nullptr && gpuFabricInfo->version != nvmlGpuFabricInfo_v2) {
    return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
  }
  return FillFabric(device, gpuFabricInfo,
                    gpuFabricInfo != nullptr ? &gpuFabricInfo->healthMask : nullptr, __func__);
}

// NVML entry points for device enumeration and identity: count, handles by
// index / UUID / PCI bus id, name, UUID, serial, minor, PCI info, NUMA node,
// memory, compute capability, architecture and brand.
//
// MIG device handles answer what they share with the parent (compute
// capability, architecture, brand, PCI info, NUMA node) and what is their
// own (name, UUID, index, memory); minor number and serial are physical-GPU
// only.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "mock/nvml/export_util.h"
#include "mock/nvml/mock_driver.h"

using gpulet::mock::Accept;
using gpulet::mock::CopyString;
using gpulet::mock::GpuProfile;
using gpulet::mock::MockDriver;
using gpulet::mock::MigDeviceProfile;
using gpulet::mock::MockProcess;

namespace {

constexpr unsigned long long kMiB = 1ull << 20;

// "DDDDDDDD:BB:DD.F", "DDDD:BB:DD.F" or "BB:DD.F", any case.
bool ParseBusId(absl::string_view text, uint32_t* domain, uint32_t* bus,
                uint32_t* device) {
  std::vector<absl::string_view> p = absl::StrSplit(text, absl::ByAnyChar(":."));
  if (p.size() == 3) p.insert(p.begin(), "0");
  uint32_t function = 0;
  return p.size() == 4 && absl::SimpleHexAtoi(p[0], domain) &&
         absl::SimpleHexAtoi(p[1], bus) && absl::SimpleHexAtoi(p[2], device) &&
         absl::SimpleHexAtoi(p[3], &function) && function == 0;
}

void FillPci(const GpuProfile& g, nvmlPciInfo_t* pci, bool legacy) {
  std::snprintf(pci->busIdLegacy, sizeof(pci->busIdLegacy), "%04X:%02X:%02X.0",
                g.pci.domain, g.pci.bus, g.pci.device);
  pci->domain = g.pci.domain;
  pci->bus = g.pci.bus;
  pci->device = g.pci.device;
  pci->pciDeviceId = g.pci.device_id;
  pci->pciSubSystemId = g.pci.subsystem_id;
  // The v1 struct ends after four reserved words here; writing busId would
  // run past a v1 caller's buffer.
  if (!legacy) {
    std::snprintf(pci->busId, sizeof(pci->busId), "%s", g.pci.bus_id.c_str());
  }
}

nvmlReturn_t GetPci(nvmlDevice_t device, nvmlPciInfo_t* pci, bool legacy,
                    const char* function) {
  GPULET_MOCK_DEVICE_CALL_AS(call, d, device, Accept::kAny, function);
  if (pci == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  FillPci(call.machine().GpuOf(d), pci, legacy);
  return NVML_SUCCESS;
}

// Bytes: total, reserved, free, used as the v2 struct reports them.
struct MemoryView {
  unsigned long long total, reserved, free, used;
};

MemoryView MemoryOf(MockDriver::Call& call, const nvmlDevice_st* d) {
  if (!d->is_mig) {
    const auto& m = call.machine().GpuOf(d).memory;
    return {m.total, m.reserved, m.free(), m.used};
  }
  const auto& gpu = call.machine().GpuOf(d);
  const auto* spec = gpu.mig.table->FindByName(call.machine().MigOf(d).profile);
  const unsigned long long total = spec->memory_mib * kMiB;
  return {total, 0, total, 0};
}

}  // namespace

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int* deviceCount) {
  GPULET_MOCK_CALL(call);
  if (deviceCount == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  *deviceCount = call.machine().gpu_count();
  return NVML_SUCCESS;
}

// v1 counts only the devices the caller may access; the mock grants access
// to all, so both versions agree.
GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetCount(unsigned int* deviceCount) {
  return nvmlDeviceGetCount_v2(deviceCount);
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(
    unsigned int index, nvmlDevice_t* device) {
  GPULET_MOCK_CALL(call);
  if (device == nullptr || index >= call.machine().gpu_count()) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  if (call.driver().IsLost(index)) return NVML_ERROR_GPU_IS_LOST;
  *device = call.machine().Gpu(index);
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetHandleByIndex(
    unsigned int index, nvmlDevice_t* device) {
  return nvmlDeviceGetHandleByIndex_v2(index, device);
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetHandleByUUID(
    const char* uuid, nvmlDevice_t* device) {
  GPULET_MOCK_CALL(call);
  if (uuid == nullptr || device == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  auto& machine = call.machine();
  for (uint32_t i = 0; i < machine.gpu_count(); ++i) {
    const GpuProfile& g = machine.profile().gpus[i];
    nvmlDevice_st* found = nullptr;
    if (g.uuid == uuid) found = machine.Gpu(i);
    for (uint32_t m = 0; found == nullptr && m < g.mig.devices.size(); ++m) {
      if (g.mig.devices[m].uuid == uuid) found = machine.MigDevice(i, m);
    }
    if (found == nullptr) continue;
    if (call.driver().IsLost(i)) return NVML_ERROR_GPU_IS_LOST;
    *device = found;
    return NVML_SUCCESS;
  }
  return NVML_ERROR_NOT_FOUND;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetHandleByPciBusId_v2(
    const char* pciBusId, nvmlDevice_t* device) {
  GPULET_MOCK_CALL(call);
  if (pciBusId == nullptr || device == nullptr) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  uint32_t domain = 0, bus = 0, dev = 0;
  if (!ParseBusId(pciBusId, &domain, &bus, &dev)) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  auto& machine = call.machine();
  for (uint32_t i = 0; i < machine.gpu_count(); ++i) {
    const auto& pci = machine.profile().gpus[i].pci;
    if (pci.domain != domain || pci.bus != bus || pci.device != dev) continue;
    if (call.driver().IsLost(i)) return NVML_ERROR_GPU_IS_LOST;
    *device = machine.Gpu(i);
    return NVML_SUCCESS;
  }
  return NVML_ERROR_NOT_FOUND;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetIndex(nvmlDevice_t device,
                                                   unsigned int* index) {
  GPULET_MOCK_DEVICE_CALL(call, d, device, Accept::kAny);
  if (index == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  // A MIG device's index is the one nvmlDeviceGetMigDeviceHandleByIndex
  // takes.
  *index = d->is_mig ? d->mig_index : d->gpu_index;
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device,
                                                  char* name,
                                                  unsigned int length) {
  GPULET_MOCK_DEVICE_CALL(call, d, device, Accept::kAny);
  std::string value = call.machine().GpuOf(d).name;
  if (d->is_mig) {
    const auto& m = call.machine().MigOf(d);
    const auto* spec = call.machine().GpuOf(d).mig.table->FindByName(m.profile);
    value += " MIG ";
    if (m.compute_slices != spec->slices) {
      value += std::to_string(m.compute_slices) + "c.";
    }
    value += m.profile;
  }
  return CopyString(value, name, length);
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device,
                                                  char* uuid,
                                                  unsigned int length) {
  GPULET_MOCK_DEVICE_CALL(call, d, device, Accept::kAny);
  return CopyString(d->is_mig ? call.machine().MigOf(d).uuid
                              : call.machine().GpuOf(d).uuid,
                    uuid, length);
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetSerial(nvmlDevice_t device,
                                                    char* serial,
                                                    unsigned int length) {
  GPULET_MOCK_DEVICE_CALL(call, d, device, Accept::kGpu);
  const std::string& value = call.machine().GpuOf(d).serial;
  if (value.empty()) return NVML_ERROR_NOT_SUPPORTED;
  return CopyString(value, serial, length);
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetMinorNumber(
    nvmlDevice_t device, unsigned int* minorNumber) {
  GPULET_MOCK_DEVICE_CALL(call, d, device, Accept::kGpu);
  if (minorNumber == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  *minorNumber = call.machine().GpuOf(d).minor;
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device,
                                                        nvmlPciInfo_t* pci) {
  return GetPci(device, pci, /*legacy=*/false, __func__);
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetPciInfo_v2(nvmlDevice_t device,
                                                        nvmlPciInfo_t* pci) {
  return GetPci(device, pci, /*legacy=*/false, __func__);
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetPciInfo(nvmlDevice_t device,
                                                     nvmlPciInfo_t* pci) {
  return GetPci(device, pci, /*legacy=*/true, __func__);
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetNumaNodeId(nvmlDevice_t device,
                                                        unsigned int* node) {
  GPULET_MOCK_DEVICE_CALL(call, d, device, Accept::kAny);
  if (node == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  const auto& numa = call.machine().GpuOf(d).numa_node;
  if (!numa.has_value()) return NVML_ERROR_NOT_SUPPORTED;
  *node = *numa;
  return NVML_SUCCESS;
}

// v1 predates the reserved field: its "used" includes what the driver
// reserves, so used + free == total.
GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device,
                                                        nvmlMemory_t* memory) {
  GPULET_MOCK_DEVICE_CALL(call, d, device, Accept::kAny);
  if (memory == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  MemoryView m = MemoryOf(call, d);
  memory->total = m.total;
  memory->free = m.free;
  memory->used = m.used + m.reserved;
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(
    nvmlDevice_t device, nvmlMemory_v2_t* memory) {
  GPULET_MOCK_DEVICE_CALL(call, d, device, Accept::kAny);
  if (memory == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  if (memory->version != nvmlMemory_v2) {
    return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
  }
  MemoryView m = MemoryOf(call, d);
  memory->total = m.total;
  memory->reserved = m.reserved;
  memory->free = m.free;
  memory->used = m.used;
  return NVML_SUCCESS;
}

// A MIG device lists the processes placed on it; its GPU lists those of
// the GPU and of all its MIG devices, as the driver does for a privileged
// caller.
GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(
    nvmlDevice_t device, unsigned int* infoCount, nvmlProcessInfo_t* infos) {
  GPULET_MOCK_DEVICE_CALL(call, d, device, Accept::kAny);
  if (infoCount == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  std::vector<nvmlProcessInfo_t> found;
  for (const MockProcess& p : call.driver().processes()) {
    if (p.gpu != d->gpu_index) continue;
    if (d->is_mig) {
      const MigDeviceProfile& m =
          call.machine().profile().gpus[d->gpu_index].mig.devices[d->mig_index];
      if (p.gi != m.gpu_instance_id || p.ci != m.compute_instance_id) continue;
    }
    found.push_back({p.pid, p.memory_bytes, p.gi, p.ci});
  }
  const unsigned int room = *infoCount;
  *infoCount = static_cast<unsigned int>(found.size());
  if (found.empty()) return NVML_SUCCESS;
  if (infos == nullptr || room < found.size()) return NVML_ERROR_INSUFFICIENT_SIZE;
  std::copy(found.begin(), found.end(), infos);
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetCudaComputeCapability(
    nvmlDevice_t device, int* major, int* minor) {
  GPULET_MOCK_DEVICE_CALL(call, d, device, Accept::kAny);
  if (major == nullptr || minor == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  *major = call.machine().GpuOf(d).cc_major;
  *minor = call.machine().GpuOf(d).cc_minor;
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetArchitecture(
    nvmlDevice_t device, nvmlDeviceArchitecture_t* arch) {
  GPULET_MOCK_DEVICE_CALL(call, d, device, Accept::kAny);
  if (arch == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  *arch = call.machine().GpuOf(d).architecture;
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetBrand(nvmlDevice_t device,
                                                   nvmlBrandType_t* type) {
  GPULET_MOCK_DEVICE_CALL(call, d, device, Accept::kAny);
  if (type == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  *type = static_cast<nvmlBrandType_t>(call.machine().GpuOf(d).brand);
  return NVML_SUCCESS;
}

#include "nvml/nvml_device.h"

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "nvml/nvml_instance.h"

namespace gpulet::nvml {

// Calls `fn(handle_, args...)`, naming the call and this device on error.
template <typename Fn, typename... Args>
absl::Status NvmlDevice::Call(Fn fn, std::string_view name, Args... args) const {
  if (fn == nullptr) return library_->MissingFunction(name);
  return library_->StatusOf(fn(handle_, args...), name, description_);
}

#define GPULET_DEVICE_CALL(fn, ...) \
  Call(library_->functions().fn, #fn, __VA_ARGS__)

namespace {

PciInfo ToPciInfo(const nvmlPciInfo_t& pci) {
  PciInfo info;
  // busId is the full form since _v2; old drivers fill only busIdLegacy.
  info.bus_id = pci.busId[0] != '\0' ? std::string(pci.busId, strnlen(pci.busId, sizeof pci.busId))
                                     : std::string(pci.busIdLegacy,
                                                   strnlen(pci.busIdLegacy, sizeof pci.busIdLegacy));
  info.domain = pci.domain;
  info.bus = pci.bus;
  info.device = pci.device;
  info.pci_device_id = pci.pciDeviceId;
  info.pci_subsystem_id = pci.pciSubSystemId;
  return info;
}

}  // namespace

absl::StatusOr<NvmlDevice> NvmlDevice::ByIndex(
    std::shared_ptr<const NvmlLibrary> library, unsigned int index) {
  constexpr std::string_view kCall = "nvmlDeviceGetHandleByIndex_v2";
  auto fn = library->functions().nvmlDeviceGetHandleByIndex_v2;
  if (fn == nullptr) return library->MissingFunction(kCall);
  std::string description = absl::StrCat("GPU ", index);
  nvmlDevice_t handle = nullptr;
  RETURN_IF_ERROR(library->StatusOf(fn(index, &handle), kCall, description));
  return NvmlDevice(std::move(library), handle, std::move(description));
}

absl::StatusOr<NvmlDevice> NvmlDevice::ByUuid(
    std::shared_ptr<const NvmlLibrary> library, std::string_view uuid) {
  constexpr std::string_view kCall = "nvmlDeviceGetHandleByUUID";
  auto fn = library->functions().nvmlDeviceGetHandleByUUID;
  if (fn == nullptr) return library->MissingFunction(kCall);
  std::string description{uuid};
  nvmlDevice_t handle = nullptr;
  RETURN_IF_ERROR(
      library->StatusOf(fn(description.c_str(), &handle), kCall, description));
  return NvmlDevice(std::move(library), handle, std::move(description));
}

absl::StatusOr<std::string> NvmlDevice::ReadString(
    nvmlReturn_t (*fn)(nvmlDevice_t, char*, unsigned int), std::string_view name,
    unsigned int size) const {
  std::string buffer(size, '\0');
  RETURN_IF_ERROR(Call(fn, name, buffer.data(), size));
  buffer.resize(strnlen(buffer.data(), size));
  return buffer;
}

absl::StatusOr<std::string> NvmlDevice::Name() const {
  return ReadString(library_->functions().nvmlDeviceGetName, "nvmlDeviceGetName",
                    NVML_DEVICE_NAME_V2_BUFFER_SIZE);
}

absl::StatusOr<std::string> NvmlDevice::Uuid() const {
  return ReadString(library_->functions().nvmlDeviceGetUUID, "nvmlDeviceGetUUID",
                    NVML_DEVICE_UUID_V2_BUFFER_SIZE);
}

absl::StatusOr<std::string> NvmlDevice::Serial() const {
  return ReadString(library_->functions().nvmlDeviceGetSerial,
                    "nvmlDeviceGetSerial", NVML_DEVICE_SERIAL_BUFFER_SIZE);
}

absl::StatusOr<unsigned int> NvmlDevice::Index() const {
  unsigned int index = 0;
  RETURN_IF_ERROR(GPULET_DEVICE_CALL(nvmlDeviceGetIndex, &index));
  return index;
}

absl::StatusOr<unsigned int> NvmlDevice::MinorNumber() const {
  unsigned int minor = 0;
  RETURN_IF_ERROR(GPULET_DEVICE_CALL(nvmlDeviceGetMinorNumber, &minor));
  return minor;
}

absl::StatusOr<PciInfo> NvmlDevice::Pci() const {
  nvmlPciInfo_t pci{};
  RETURN_IF_ERROR(GPULET_DEVICE_CALL(nvmlDeviceGetPciInfo_v3, &pci));
  return ToPciInfo(pci);
}

absl::StatusOr<unsigned int> NvmlDevice::NumaNode() const {
  unsigned int node = 0;
  RETURN_IF_ERROR(GPULET_DEVICE_CALL(nvmlDeviceGetNumaNodeId, &node));
  return node;
}

absl::StatusOr<MemoryInfo> NvmlDevice::Memory() const {
  MemoryInfo info;
  if (library_->functions().nvmlDeviceGetMemoryInfo_v2 != nullptr) {
    nvmlMemory_v2_t memory{};
    memory.version = nvmlMemory_v2;
    RETURN_IF_ERROR(GPULET_DEVICE_CALL(nvmlDeviceGetMemoryInfo_v2, &memory));
    info.total_bytes = memory.total;
    info.free_bytes = memory.free;
    info.used_bytes = memory.used;
    info.reserved_bytes = memory.reserved;
    return info;
  }
  nvmlMemory_t memory{};
  RETURN_IF_ERROR(GPULET_DEVICE_CALL(nvmlDeviceGetMemoryInfo, &memory));
  info.total_bytes = memory.total;
  info.free_bytes = memory.free;
  info.used_bytes = memory.used;
  return info;
}

absl::StatusOr<std::vector<ProcessInfo>> NvmlDevice::ComputeProcesses() const {
  // The list can grow between the call that sizes it and the one that
  // fills it; a few retries with room to spare cover a busy GPU.
  unsigned int count = 0;
  std::vector<nvmlProcessInfo_t> infos;
  for (int attempt = 0; attempt < 4; ++attempt) {
    infos.assign(count, nvmlProcessInfo_t{});
    absl::Status status = GPULET_DEVICE_CALL(nvmlDeviceGetComputeRunningProcesses_v3, &count,
                                             infos.empty() ? nullptr : infos.data());
    if (status.ok()) {
      infos.resize(std::min<size_t>(count, infos.size()));
      std::vector<ProcessInfo> processes;
      processes.reserve(infos.size());
      for (const nvmlProcessInfo_t& info : infos) {
        ProcessInfo process;
        process.pid = info.pid;
        if (info.usedGpuMemory != NVML_VALUE_NOT_AVAILABLE) {
          process.used_memory_bytes = info.usedGpuMemory;
        }
        processes.push_back(process);
      }
      return processes;
    }
    // NVML_ERROR_INSUFFICIENT_SIZE, with `count` now what is needed.
    if (status.code() != absl::StatusCode::kOutOfRange) return status;
    count += 8;
  }
  return absl::UnavailableError(
      absl::StrCat("the process list of ", description_, " kept growing while it was read"));
}

absl::StatusOr<ComputeCapability> NvmlDevice::CudaComputeCapability() const {
  ComputeCapability cc;
  RETURN_IF_ERROR(
      GPULET_DEVICE_CALL(nvmlDeviceGetCudaComputeCapability, &cc.major, &cc.minor));
  return cc;
}

absl::StatusOr<nvmlDeviceArchitecture_t> NvmlDevice::Architecture() const {
  nvmlDeviceArchitecture_t arch = NVML_DEVICE_ARCH_UNKNOWN;
  RETURN_IF_ERROR(GPULET_DEVICE_CALL(nvmlDeviceGetArchitecture, &arch));
  return arch;
}

absl::StatusOr<nvmlBrandType_t> NvmlDevice::Brand() const {
  nvmlBrandType_t brand = NVML_BRAND_UNKNOWN;
  RETURN_IF_ERROR(GPULET_DEVICE_CALL(nvmlDeviceGetBrand, &brand));
  return brand;
}

absl::StatusOr<MigMode> NvmlDevice::Mig() const {
  unsigned int current = 0;
  unsigned int pending = 0;
  RETURN_IF_ERROR(GPULET_DEVICE_CALL(nvmlDeviceGetMigMode, &current, &pending));
  return MigMode{current == NVML_DEVICE_MIG_ENABLE,
                 pending == NVML_DEVICE_MIG_ENABLE};
}

absl::StatusOr<unsigned int> NvmlDevice::MaxMigDeviceCount() const {
  unsigned int count = 0;
  RETURN_IF_ERROR(GPULET_DEVICE_CALL(nvmlDeviceGetMaxMigDeviceCount, &count));
  return count;
}

absl::StatusOr<NvmlDevice> NvmlDevice::MigDeviceByIndex(unsigned int index) const {
  nvmlDevice_t mig = nullptr;
  RETURN_IF_ERROR(
      GPULET_DEVICE_CALL(nvmlDeviceGetMigDeviceHandleByIndex, index, &mig));
  return NvmlDevice(library_, mig,
                    absl::StrCat("MIG device ", index, " of ", description_));
}

absl::StatusOr<GpuInstanceProfile> NvmlDevice::GpuInstanceProfileInfo(
    unsigned int profile) const {
  GpuInstanceProfile out;
  if (library_->functions().nvmlDeviceGetGpuInstanceProfileInfoV != nullptr) {
    nvmlGpuInstanceProfileInfo_v2_t info{};
    info.version = nvmlGpuInstanceProfileInfo_v2;
    RETURN_IF_ERROR(GPULET_DEVICE_CALL(nvmlDeviceGetGpuInstanceProfileInfoV,
                                       profile, &info));
    out = GpuInstanceProfile{info.id, info.sliceCount, info.instanceCount,
                             info.multiprocessorCount, info.copyEngineCount,
                             info.decoderCount, info.encoderCount, info.jpegCount,
                             info.ofaCount, info.memorySizeMB,
                             info.isP2pSupported != 0,
                             std::string(info.name, strnlen(info.name, sizeof info.name))};
    return out;
  }
  nvmlGpuInstanceProfileInfo_t info{};
  RETURN_IF_ERROR(
      GPULET_DEVICE_CALL(nvmlDeviceGetGpuInstanceProfileInfo, profile, &info));
  out = GpuInstanceProfile{info.id, info.sliceCount, info.instanceCount,
                           info.multiprocessorCount, info.copyEngineCount,
                           info.decoderCount, info.encoderCount, info.jpegCount,
                           info.ofaCount, info.memorySizeMB,
                           info.isP2pSupported != 0, ""};
  return out;
}

absl::StatusOr<FabricInfo> NvmlDevice::Fabric() const {
  FabricInfo out;
  auto fill = [&out](const auto& info) {
    std::memcpy(out.cluster_uuid.data(), info.clusterUuid, out.cluster_uuid.size());
    out.clique_id = info.cliqueId;
    out.state = static_cast<FabricState>(info.state);
    out.status = info.status;
  };
  if (library_->functions().nvmlDeviceGetGpuFabricInfoV != nullptr) {
    nvmlGpuFabricInfoV_t info{};
    info.version = nvmlGpuFabricInfo_v2;
    RETURN_IF_ERROR(GPULET_DEVICE_CALL(nvmlDeviceGetGpuFabricInfoV, &info));
    fill(info);
    out.health_mask = info.healthMask;
    return out;
  }
  nvmlGpuFabricInfo_t info{};
  RETURN_IF_ERROR(GPULET_DEVICE_CALL(nvmlDeviceGetGpuFabricInfo, &info));
  fill(info);
  return out;
}

absl::StatusOr<NvmlGpuInstance> NvmlDevice::GpuInstanceById(unsigned int id) const {
  nvmlGpuInstance_t instance = nullptr;
  RETURN_IF_ERROR(GPULET_DEVICE_CALL(nvmlDeviceGetGpuInstanceById, id, &instance));
  return NvmlGpuInstance(library_, instance,
                         absl::StrCat("GPU instance ", id, " of ", description_));
}

absl::StatusOr<bool> NvmlDevice::IsMigDevice() const {
  unsigned int is_mig = 0;
  RETURN_IF_ERROR(GPULET_DEVICE_CALL(nvmlDeviceIsMigDeviceHandle, &is_mig));
  return is_mig != 0;
}

absl::StatusOr<unsigned int> NvmlDevice::GpuInstanceId() const {
  unsigned int id = 0;
  RETURN_IF_ERROR(GPULET_DEVICE_CALL(nvmlDeviceGetGpuInstanceId, &id));
  return id;
}

absl::StatusOr<unsigned int> NvmlDevice::ComputeInstanceId() const {
  unsigned int id = 0;
  RETURN_IF_ERROR(GPULET_DEVICE_CALL(nvmlDeviceGetComputeInstanceId, &id));
  return id;
}

absl::StatusOr<NvmlDevice> NvmlDevice::ParentDevice() const {
  nvmlDevice_t parent = nullptr;
  RETURN_IF_ERROR(
      GPULET_DEVICE_CALL(nvmlDeviceGetDeviceHandleFromMigDeviceHandle, &parent));
  return NvmlDevice(library_, parent, absl::StrCat("parent of ", description_));
}

absl::StatusOr<DeviceAttributes> NvmlDevice::Attributes() const {
  nvmlDeviceAttributes_t a{};
  RETURN_IF_ERROR(GPULET_DEVICE_CALL(nvmlDeviceGetAttributes_v2, &a));
  return DeviceAttributes{a.multiprocessorCount,     a.sharedCopyEngineCount,
                          a.sharedDecoderCount,      a.sharedEncoderCount,
                          a.sharedJpegCount,         a.sharedOfaCount,
                          a.gpuInstanceSliceCount,   a.computeInstanceSliceCount,
                          a.memorySizeMB};
}

absl::StatusOr<TopologyLevel> NvmlDevice::CommonAncestor(
    const NvmlDevice& other) const {
  nvmlGpuTopologyLevel_t level = NVML_TOPOLOGY_SYSTEM;
  RETURN_IF_ERROR(GPULET_DEVICE_CALL(nvmlDeviceGetTopologyCommonAncestor,
                                     other.handle_, &level));
  return static_cast<TopologyLevel>(level);
}

absl::StatusOr<bool> NvmlDevice::NvLinkActive(unsigned int link) const {
  nvmlEnableState_t state = NVML_FEATURE_DISABLED;
  RETURN_IF_ERROR(GPULET_DEVICE_CALL(nvmlDeviceGetNvLinkState, link, &state));
  return state == NVML_FEATURE_ENABLED;
}

absl::StatusOr<PciInfo> NvmlDevice::NvLinkRemotePci(unsigned int link) const {
  nvmlPciInfo_t pci{};
  RETURN_IF_ERROR(
      GPULET_DEVICE_CALL(nvmlDeviceGetNvLinkRemotePciInfo_v2, link, &pci));
  return ToPciInfo(pci);
}

absl::StatusOr<uint64_t> NvmlDevice::SupportedEventTypes() const {
  unsigned long long types = 0;
  RETURN_IF_ERROR(GPULET_DEVICE_CALL(nvmlDeviceGetSupportedEventTypes, &types));
  return static_cast<uint64_t>(types);
}

}  // namespace gpulet::nvml

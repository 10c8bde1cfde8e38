// NvmlDevice: one GPU or MIG device handle with typed queries.
//
// A small value: the shared library pointer, the NVML handle and a
// description used in error messages ("GPU 3", "MIG device 1 of GPU 3").
// Every query returns absl::StatusOr; NVML errors become statuses that name
// the call and the device (see nvml_error.h), e.g. kUnimplemented when the
// device does not support a query (MIG on a T4) and kUnavailable when the
// GPU has fallen off the bus.
//
// Thread-safety: immutable; NVML calls are thread-safe, so one NvmlDevice
// may be used from several threads. The library outlives every device made
// from it (each holds a shared pointer).
#ifndef GPULET_NVML_NVML_DEVICE_H_
#define GPULET_NVML_NVML_DEVICE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "nvml/nvml_abi.h"
#include "nvml/nvml_library.h"
#include "nvml/nvml_types.h"

namespace gpulet::nvml {

class NvmlGpuInstance;

class NvmlDevice {
 public:
  // The GPU at `index` (0 .. DeviceCount()-1); kInvalidArgument beyond.
  static absl::StatusOr<NvmlDevice> ByIndex(
      std::shared_ptr<const NvmlLibrary> library, unsigned int index);
  // The GPU or MIG device with `uuid`; kNotFound when there is none.
  static absl::StatusOr<NvmlDevice> ByUuid(
      std::shared_ptr<const NvmlLibrary> library, std::string_view uuid);

  // Identity.
  absl::StatusOr<std::string> Name() const;
  absl::StatusOr<std::string> Uuid() const;
  absl::StatusOr<std::string> Serial() const;
  absl::StatusOr<unsigned int> Index() const;
  absl::StatusOr<unsigned int> MinorNumber() const;
  absl::StatusOr<PciInfo> Pci() const;
  // kUnimplemented on drivers without nvmlDeviceGetNumaNodeId.
  absl::StatusOr<unsigned int> NumaNode() const;

  // Capabilities.
  absl::StatusOr<MemoryInfo> Memory() const;
  // The processes with a CUDA context on this GPU or MIG device (on a
  // MIG-enabled GPU, those of all its instances), in the driver's order.
  absl::StatusOr<std::vector<ProcessInfo>> ComputeProcesses() const;
  absl::StatusOr<ComputeCapability> CudaComputeCapability() const;
  absl::StatusOr<nvmlDeviceArchitecture_t> Architecture() const;
  absl::StatusOr<nvmlBrandType_t> Brand() const;

  // MIG, on a parent GPU. MigMode() is kUnimplemented on GPUs without MIG.
  absl::StatusOr<MigMode> Mig() const;
  absl::StatusOr<unsigned int> MaxMigDeviceCount() const;
  // The MIG device in slot `index`; kNotFound for an empty slot.
  absl::StatusOr<NvmlDevice> MigDeviceByIndex(unsigned int index) const;
  absl::StatusOr<GpuInstanceProfile> GpuInstanceProfileInfo(
      unsigned int profile) const;
  absl::StatusOr<NvmlGpuInstance> GpuInstanceById(unsigned int id) const;

  // MIG, on a MIG device.
  absl::StatusOr<bool> IsMigDevice() const;
  absl::StatusOr<unsigned int> GpuInstanceId() const;
  absl::StatusOr<unsigned int> ComputeInstanceId() const;
  absl::StatusOr<NvmlDevice> ParentDevice() const;
  absl::StatusOr<DeviceAttributes> Attributes() const;

  // Topology.
  absl::StatusOr<TopologyLevel> CommonAncestor(const NvmlDevice& other) const;
  // Whether NVLink `link` (0 .. NVML_NVLINK_MAX_LINKS-1) is active;
  // kUnimplemented/kInvalidArgument for links the GPU does not have.
  absl::StatusOr<bool> NvLinkActive(unsigned int link) const;
  absl::StatusOr<PciInfo> NvLinkRemotePci(unsigned int link) const;

  // NVLink fabric registration. Prefers nvmlDeviceGetGpuFabricInfoV; falls
  // back to the unversioned call; kUnimplemented when the driver exports
  // neither (older than R530) or the GPU has no fabric support.
  absl::StatusOr<FabricInfo> Fabric() const;

  // Events: a mask of nvmlEventType* bits.
  absl::StatusOr<uint64_t> SupportedEventTypes() const;

  nvmlDevice_t handle() const { return handle_; }
  const std::string& description() const { return description_; }
  const std::shared_ptr<const NvmlLibrary>& library() const { return library_; }

 private:
  friend class NvmlGpuInstance;
  NvmlDevice(std::shared_ptr<const NvmlLibrary> library, nvmlDevice_t handle,
             std::string description)
      : library_(std::move(library)),
        handle_(handle),
        description_(std::move(description)) {}

  template <typename Fn, typename... Args>
  absl::Status Call(Fn fn, std::string_view name, Args... args) const;
  absl::StatusOr<std::string> ReadString(
      nvmlReturn_t (*fn)(nvmlDevice_t, char*, unsigned int),
      std::string_view name, unsigned int size) const;

  std::shared_ptr<const NvmlLibrary> library_;
  nvmlDevice_t handle_;
  std::string description_;
};

}  // namespace gpulet::nvml

#endif  // GPULET_NVML_NVML_DEVICE_H_

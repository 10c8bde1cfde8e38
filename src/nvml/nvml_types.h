// Plain C++ value types for what NVML reports, so that callers never touch
// the C structs of nvml_abi.h. Units are in the names.
#ifndef GPULET_NVML_NVML_TYPES_H_
#define GPULET_NVML_NVML_TYPES_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "nvml/nvml_abi.h"

namespace gpulet::nvml {

struct PciInfo {
  std::string bus_id;  // NVML form, e.g. "00000000:18:00.0"
  unsigned int domain = 0;
  unsigned int bus = 0;
  unsigned int device = 0;
  unsigned int pci_device_id = 0;     // (device << 16) | vendor
  unsigned int pci_subsystem_id = 0;
};

struct MemoryInfo {
  uint64_t total_bytes = 0;
  uint64_t free_bytes = 0;
  uint64_t used_bytes = 0;
  // Only from nvmlDeviceGetMemoryInfo_v2.
  std::optional<uint64_t> reserved_bytes;
};

// A process with a CUDA context on a device.
struct ProcessInfo {
  uint32_t pid = 0;
  // nullopt when the driver cannot tell (NVML_VALUE_NOT_AVAILABLE).
  std::optional<uint64_t> used_memory_bytes;
  friend bool operator==(const ProcessInfo&, const ProcessInfo&) = default;
};

struct ComputeCapability {
  int major = 0;
  int minor = 0;
  friend bool operator==(const ComputeCapability&, const ComputeCapability&) = default;
};

struct MigMode {
  bool current_enabled = false;
  bool pending_enabled = false;
};

// nvmlDeviceGetAttributes_v2: what a MIG device's slice holds.
struct DeviceAttributes {
  unsigned int multiprocessor_count = 0;
  unsigned int shared_copy_engine_count = 0;
  unsigned int shared_decoder_count = 0;
  unsigned int shared_encoder_count = 0;
  unsigned int shared_jpeg_count = 0;
  unsigned int shared_ofa_count = 0;
  unsigned int gpu_instance_slice_count = 0;
  unsigned int compute_instance_slice_count = 0;
  uint64_t memory_mib = 0;
};

// One GPU instance profile (NVML_GPU_INSTANCE_PROFILE_*) of a MIG-capable GPU.
struct GpuInstanceProfile {
  unsigned int id = 0;
  unsigned int slice_count = 0;
  unsigned int instance_count = 0;
  unsigned int multiprocessor_count = 0;
  unsigned int copy_engine_count = 0;
  unsigned int decoder_count = 0;
  unsigned int encoder_count = 0;
  unsigned int jpeg_count = 0;
  unsigned int ofa_count = 0;
  uint64_t memory_mib = 0;
  bool p2p_supported = false;
  std::string name;  // from the _v2 query; empty when the driver lacks it
};

struct ComputeInstanceProfile {
  unsigned int id = 0;
  unsigned int slice_count = 0;
  unsigned int instance_count = 0;
  unsigned int multiprocessor_count = 0;
};

struct InstancePlacement {
  unsigned int start = 0;
  unsigned int size = 0;
};

struct GpuInstanceInfo {
  unsigned int id = 0;
  unsigned int profile_id = 0;
  InstancePlacement placement;
};

struct ComputeInstanceInfo {
  unsigned int id = 0;
  unsigned int profile_id = 0;
  InstancePlacement placement;
};

// How two GPUs are connected over PCIe, nearest first (nvmlGpuTopologyLevel_t).
enum class TopologyLevel {
  kInternal = 0,     // the same board
  kSingle = 10,      // one PCIe switch
  kMultiple = 20,    // several PCIe switches, no host bridge
  kHostBridge = 30,  // the same host bridge
  kNode = 40,        // the same NUMA node
  kSystem = 50,      // across NUMA nodes (SMP interconnect)
};

// Where the GPU stands with the NVLink fabric manager
// (nvmlDeviceGetGpuFabricInfo[V]); values are NVML_GPU_FABRIC_STATE_*.
enum class FabricState {
  kNotSupported = NVML_GPU_FABRIC_STATE_NOT_SUPPORTED,
  kNotStarted = NVML_GPU_FABRIC_STATE_NOT_STARTED,
  kInProgress = NVML_GPU_FABRIC_STATE_IN_PROGRESS,
  kCompleted = NVML_GPU_FABRIC_STATE_COMPLETED,
};

struct FabricInfo {
  std::array<uint8_t, NVML_GPU_FABRIC_UUID_LEN> cluster_uuid{};
  unsigned int clique_id = 0;
  FabricState state = FabricState::kNotSupported;
  // The registration's outcome; meaningful once state is kCompleted.
  nvmlReturn_t status = NVML_SUCCESS;
  // Only from nvmlDeviceGetGpuFabricInfoV.
  std::optional<unsigned int> health_mask;

  // Registered with the fabric without error: what NVIDIA's tools call
  // "fabric attached".
  bool attached() const {
    return state == FabricState::kCompleted && status == NVML_SUCCESS;
  }
  // "7b968a6d-8f2c-4e1a-9c3b-e1e51be99c31": lowercase, 8-4-4-4-12.
  std::string ClusterUuidString() const;
};

// One event taken from an event set.
struct Event {
  nvmlDevice_t device = nullptr;  // the GPU or MIG device it concerns
  uint64_t type = 0;  // one nvmlEventType* bit
  uint64_t data = 0;  // the XID for nvmlEventTypeXidCriticalError
  // Set for events of a MIG device.
  std::optional<unsigned int> gpu_instance_id;
  std::optional<unsigned int> compute_instance_id;
};

}  // namespace gpulet::nvml

#endif  // GPULET_NVML_NVML_TYPES_H_

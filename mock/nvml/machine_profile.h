// MachineProfile: the machine a mock libnvidia-ml.so.1 pretends to be.
//
// A profile is a YAML document (mock/machines/*.yaml; the grammar is in
// mock/README.md) parsed into these plain structs. The mock library answers
// every NVML query from one of them, and tests load the same file through
// ParseMachineProfile() to compare what gpulet reports against what the
// "hardware" is, field by field.
//
// Values only; copyable; no shared state, so thread-compatible.
#ifndef GPULET_MOCK_NVML_MACHINE_PROFILE_H_
#define GPULET_MOCK_NVML_MACHINE_PROFILE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "mock/nvml/mig_profile_table.h"

namespace gpulet::mock {

struct MemoryProfile {
  uint64_t total = 0;     // bytes, as nvmlMemory_v2_t.total
  uint64_t reserved = 0;  // bytes held by the driver (nvmlMemory_v2_t)
  uint64_t used = 0;      // bytes used by processes
  // free = total - reserved - used; the parser rejects used+reserved > total.
  uint64_t free() const { return total - reserved - used; }
};

struct PciProfile {
  std::string bus_id;  // NVML form, "00000000:18:00.0"
  uint32_t domain = 0;
  uint32_t bus = 0;
  uint32_t device = 0;
  uint32_t device_id = 0;     // (PCI device id << 16) | vendor id 0x10DE
  uint32_t subsystem_id = 0;  // (subsystem device id << 16) | vendor id
};

// One MIG device (a compute instance inside a GPU instance).
struct MigDeviceProfile {
  uint32_t gpu_instance_id = 0;
  uint32_t compute_instance_id = 0;
  // The GPU instance profile, e.g. "1g.10gb" or "1g.10gb+me".
  std::string profile;
  // Slices of the compute instance; equals the GI's slices unless the GI is
  // split into several compute instances ("1c.3g.40gb" has 1).
  uint32_t compute_slices = 0;
  uint32_t placement_start = 0;  // first memory slice of the GPU instance
  std::string uuid;              // "MIG-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
};

struct MigProfile {
  bool capable = false;
  bool current_enabled = false;
  bool pending_enabled = false;
  // The GPU instance profile table of the model (h100-80gb, a100-40gb, ...).
  const MigProfileTable* table = nullptr;
  std::vector<MigDeviceProfile> devices;  // in MIG device index order
};

// A group of NVLink links that lead to the same remote PCI function.
struct NvLinkGroup {
  std::string remote_bus_id;  // NVML form; an NVSwitch or a peer GPU
  uint32_t count = 1;
  bool active = true;
};

// Where the GPU hangs in the PCIe tree, from the CPU down. Two GPUs share
// a topology level according to how much of this path they share.
struct PcieTopology {
  uint32_t host_bridge = 0;
  std::vector<std::string> switches;  // root-most first
};

// The GPU's registration with the NVLink fabric manager, as
// nvmlDeviceGetGpuFabricInfo[V] reports it.
struct FabricProfile {
  std::array<uint8_t, 16> cluster_uuid{};
  uint32_t clique_id = 0;
  uint32_t state = 0;   // NVML_GPU_FABRIC_STATE_*
  uint32_t status = 0;  // nvmlReturn_t of the registration
  uint32_t health_mask = 0;
};

struct GpuProfile {
  std::string name;  // as nvmlDeviceGetName reports it
  std::string uuid;  // "GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
  std::string serial;
  uint32_t minor = 0;
  PciProfile pci;
  std::optional<uint32_t> numa_node;  // absent: NVML answers NOT_SUPPORTED
  MemoryProfile memory;
  int cc_major = 0;
  int cc_minor = 0;
  uint32_t architecture = 0;  // nvmlDeviceArchitecture_t
  uint32_t brand = 0;         // nvmlBrandType_t
  MigProfile mig;
  std::vector<NvLinkGroup> nvlinks;
  PcieTopology topology;
  // Absent: Hopper and later answer state NOT_SUPPORTED (no multi-node
  // fabric), older GPUs NVML_ERROR_NOT_SUPPORTED.
  std::optional<FabricProfile> fabric;

  uint32_t NvLinkCount() const;
};

struct MachineProfile {
  std::string file_name;  // where it came from, for messages
  std::string driver_version;
  int cuda_driver_version = 0;  // 12040 for CUDA 12.4
  std::string nvml_version;
  std::vector<GpuProfile> gpus;
};

// Parses and validates a profile. `file_name` only labels errors, which read
// "<file_name>: <field path>: <what was expected>", for example
// "dgx.yaml: gpus[2].memory.total: expected an integer, got \"80GB\"".
// Returns InvalidArgument for malformed YAML, unknown or missing fields,
// out-of-range values and inconsistent ones (duplicate UUIDs, overlapping
// MIG placements, MIG devices on a GPU whose MIG mode is disabled, ...).
absl::StatusOr<MachineProfile> ParseMachineProfile(std::string_view yaml,
                                                   std::string_view file_name);

// The YAML text of `name_or_path` — a shipped profile name ("dgx-h100") or,
// if it contains a '/' or ends in ".yaml", a file — and the file name its
// errors are labelled with. NotFound for an unknown name or a missing file.
struct ProfileSource {
  std::string yaml;
  std::string file_name;
};
absl::StatusOr<ProfileSource> ReadMachineProfileSource(std::string_view name_or_path);

// ReadMachineProfileSource, then ParseMachineProfile.
absl::StatusOr<MachineProfile> LoadMachineProfile(std::string_view name_or_path);

// The names of the profiles built into the library, sorted.
std::vector<std::string> ShippedMachineProfileNames();

}  // namespace gpulet::mock

#endif  // GPULET_MOCK_NVML_MACHINE_PROFILE_H_

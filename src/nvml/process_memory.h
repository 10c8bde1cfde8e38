// GpuMemoryByProcess: how much GPU memory each process holds on the node,
// from the driver's lists of compute processes (what nvidia-smi shows).
//
// A process with contexts on several GPUs or MIG devices holds the sum.
// On a MIG-enabled GPU the GPU's own list covers every instance for a
// privileged caller; when the driver refuses that, the MIG devices are
// asked one by one. A GPU that cannot be read (lost, no permission) is
// named in `unreadable` and its processes are missing from the map.
//
// PIDs are as the driver sees them: the host's PID namespace.
//
// Thread-compatible: a free function over an immutable library.
#ifndef GPULET_NVML_PROCESS_MEMORY_H_
#define GPULET_NVML_PROCESS_MEMORY_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nvml/nvml_library.h"

namespace gpulet::nvml {

struct ProcessGpuMemory {
  // Bytes over every device the process is on; nullopt when the driver
  // could not tell for one of them.
  std::optional<uint64_t> used_bytes = 0;
  int devices = 0;  // GPUs or MIG devices it has a context on
};

struct GpuMemoryReport {
  std::map<uint32_t, ProcessGpuMemory> by_pid;
  std::vector<std::string> unreadable;  // "GPU 3: <why>"
};

// Errors only when the GPUs cannot be counted.
absl::StatusOr<GpuMemoryReport> GpuMemoryByProcess(
    const std::shared_ptr<const NvmlLibrary>& library);

}  // namespace gpulet::nvml

#endif  // GPULET_NVML_PROCESS_MEMORY_H_

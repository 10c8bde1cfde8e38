#include "nvml/process_memory.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "nvml/nvml_device.h"

namespace gpulet::nvml {
namespace {

void Add(const std::vector<ProcessInfo>& processes, GpuMemoryReport& report) {
  for (const ProcessInfo& process : processes) {
    ProcessGpuMemory& entry = report.by_pid[process.pid];
    ++entry.devices;
    if (entry.used_bytes && process.used_memory_bytes) {
      *entry.used_bytes += *process.used_memory_bytes;
    } else {
      entry.used_bytes.reset();
    }
  }
}

// The processes of each MIG device of `gpu`.
absl::StatusOr<std::vector<ProcessInfo>> MigDeviceProcesses(const NvmlDevice& gpu) {
  ASSIGN_OR_RETURN(unsigned int slots, gpu.MaxMigDeviceCount());
  std::vector<ProcessInfo> all;
  for (unsigned int i = 0; i < slots; ++i) {
    absl::StatusOr<NvmlDevice> mig = gpu.MigDeviceByIndex(i);
    if (!mig.ok()) continue;  // an empty slot
    ASSIGN_OR_RETURN(std::vector<ProcessInfo> processes, mig->ComputeProcesses());
    all.insert(all.end(), processes.begin(), processes.end());
  }
  return all;
}

absl::StatusOr<std::vector<ProcessInfo>> GpuProcesses(const NvmlDevice& gpu) {
  absl::StatusOr<std::vector<ProcessInfo>> processes = gpu.ComputeProcesses();
  if (processes.ok()) return processes;
  absl::StatusOr<MigMode> mig = gpu.Mig();
  if (!mig.ok() || !mig->current_enabled) return processes.status();
  return MigDeviceProcesses(gpu);
}

}  // namespace

absl::StatusOr<GpuMemoryReport> GpuMemoryByProcess(
    const std::shared_ptr<const NvmlLibrary>& library) {
  ASSIGN_OR_RETURN(unsigned int count, library->DeviceCount());
  GpuMemoryReport report;
  for (unsigned int index = 0; index < count; ++index) {
    absl::StatusOr<NvmlDevice> gpu = NvmlDevice::ByIndex(library, index);
    absl::StatusOr<std::vector<ProcessInfo>> processes =
        gpu.ok() ? GpuProcesses(*gpu) : absl::StatusOr<std::vector<ProcessInfo>>(gpu.status());
    if (!processes.ok()) {
      report.unreadable.push_back(absl::StrCat("GPU ", index, ": ", processes.status().message()));
      continue;
    }
    Add(*processes, report);
  }
  return report;
}

}  // namespace gpulet::nvml

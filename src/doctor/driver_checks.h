// The Driver section of `gpulet doctor`: the driver layout (driver root,
// dev root, where gpulet sees them), whether the kernel driver is loaded,
// where libnvidia-ml.so.1 came from, the driver, NVML and CUDA versions and
// the control device nodes — all as inventory::NodeSource found them.
//
// Pure function of what NodeSource returned; thread-compatible.
#ifndef GPULET_DOCTOR_DRIVER_CHECKS_H_
#define GPULET_DOCTOR_DRIVER_CHECKS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "config/node_options.h"
#include "doctor/doctor_report.h"
#include "hostfs/host_fs.h"
#include "inventory/inventory.h"
#include "inventory/node_source.h"

namespace gpulet::doctor {

struct DriverState {
  NodeOptions options;
  // NodeSource::OpenHost: the host files without NVML.
  const absl::StatusOr<hostfs::HostFs>* host = nullptr;  // not null
  // NodeSource::Open's error; OK when NVML loaded.
  absl::Status nvml_status;
  const inventory::NodeSource* node = nullptr;  // null when NVML did not load
  // The snapshot; null when none could be built.
  const inventory::Inventory* inventory = nullptr;
  absl::Status inventory_status;
};

// Adds the Driver section to `report`.
void CheckDriver(const DriverState& state, DoctorReport& report);

}  // namespace gpulet::doctor

#endif  // GPULET_DOCTOR_DRIVER_CHECKS_H_

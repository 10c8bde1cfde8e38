// The CDI section of `gpulet doctor`: the nvidia.com/gpu spec `gpulet cdi
// generate` would write for this node and whether it validates, the spec
// files runtimes would read from /etc/cdi and the plugin's spec dir (files
// they would refuse, devices of this node they lack), and, with a cdi-*
// device list strategy, the device plugin's own spec
// (k8s.device-plugin.nvidia.com/gpu) against the file on disk — the cause
// of "CDI device not found" at container creation.
//
// Reads the host through HostFs; thread-compatible.
#ifndef GPULET_DOCTOR_CDI_CHECKS_H_
#define GPULET_DOCTOR_CDI_CHECKS_H_

#include <string>

#include "cdi/driver_extras.h"
#include "config/config.h"
#include "doctor/doctor_report.h"
#include "hostfs/host_fs.h"
#include "inventory/inventory.h"

namespace gpulet::doctor {

struct CdiInputs {
  const hostfs::HostFs* host = nullptr;             // not null
  const inventory::Inventory* inventory = nullptr;  // not null
  const Config* config = nullptr;  // the plugin's; null when it does not load
  std::string spec_dir;            // --cdi-spec-dir, a host path
  cdi::ExtrasOptions extras;       // the generator's search settings
};

// Whether `config`'s device list strategies hand out CDI names (so the
// container runtime must resolve them).
bool NeedsRuntimeCdi(const Config& config);

// Adds the CDI section. The plugin's spec failing to generate or validate
// under a cdi-* strategy is blocking (the plugin serves nothing then); the
// other findings are not.
void CheckCdi(const CdiInputs& inputs, DoctorReport& report);

}  // namespace gpulet::doctor

#endif  // GPULET_DOCTOR_CDI_CHECKS_H_

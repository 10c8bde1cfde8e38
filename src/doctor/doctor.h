// Diagnose: the whole `gpulet doctor` run — opens the node the way the
// daemons do (inventory::NodeSource, config/'s LoadConfig) and asks each
// module what it would do: the driver and its layout, GPUs and their
// health, the plugin's resources and (with an allocation request) its
// Allocate answer, feature discovery's labels, the CDI specs, the kubelet's
// sockets, the container runtime and NFD. Nothing is written and no daemon
// logic is repeated here.
//
// Example:
//   DoctorOptions options;
//   options.flags = flag_set.Parsed();
//   options.env = &environment;
//   options.kubelet_socket = "/var/lib/kubelet/device-plugins/kubelet.sock";
//   DoctorReport report = Diagnose(options);
//   std::cout << RenderReportText(report);
//   return report.ExitCode();
//
// Opens NVML for the duration of the call; thread-compatible.
#ifndef GPULET_DOCTOR_DOCTOR_H_
#define GPULET_DOCTOR_DOCTOR_H_

#include <chrono>
#include <optional>
#include <string>

#include "cdi/driver_extras.h"
#include "config/config.h"
#include "config/environment.h"
#include "doctor/allocation_preview.h"
#include "doctor/doctor_report.h"
#include "hostfs/host_view.h"

namespace gpulet::doctor {

struct DoctorOptions {
  ConfigFlags flags;                  // the device plugin's, as given
  const Environment* env = nullptr;   // not null; must outlive the call
  // How gpulet sees the host's "/": itself, or a prefix (--host-root).
  hostfs::HostView host;
  std::string kubelet_socket;         // host path; "" = not registering
  std::string cdi_spec_dir = "/var/run/cdi";
  std::string containerd_config = "/etc/containerd/config.toml";
  std::string crio_config = "/etc/crio/crio.conf";
  // An allocation to preview; nullopt for none.
  std::optional<AllocationRequest> allocate;
  cdi::ExtrasOptions extras;          // the CDI generator's search settings
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
};

DoctorReport Diagnose(const DoctorOptions& options);

}  // namespace gpulet::doctor

#endif  // GPULET_DOCTOR_DOCTOR_H_

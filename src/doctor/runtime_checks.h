// The Container runtime section of `gpulet doctor`: containerd's and
// CRI-O's configs (read through the HostView, so a doctor in a container
// with --host-root reads the host's), whether each resolves CDI devices
// and from which directories, and whether the NVIDIA runtime is set up for
// the envvar strategy. A runtime that cannot resolve the CDI names the
// device plugin hands out is a blocking problem; without a cdi-* strategy
// CDI is only reported.
//
// Thread-compatible.
#ifndef GPULET_DOCTOR_RUNTIME_CHECKS_H_
#define GPULET_DOCTOR_RUNTIME_CHECKS_H_

#include <string>

#include "absl/status/statusor.h"
#include "doctor/doctor_report.h"
#include "doctor/toml_keys.h"
#include "hostfs/host_view.h"

namespace gpulet::doctor {

struct RuntimeInputs {
  std::string containerd_config = "/etc/containerd/config.toml";  // host path
  std::string crio_config = "/etc/crio/crio.conf";  // host path; drop-ins in <path>.d/
  std::string spec_dir = "/var/run/cdi";           // where the plugin's spec goes
  bool needs_cdi = false;                          // a cdi-* device list strategy
};

// The keys of `path` merged with those of `more` files (containerd
// imports, CRI-O drop-ins: a pattern with '*' in its last component is
// matched in its directory, sorted). NotFound when `path` does not exist;
// InvalidArgument "<file>: line N: ..." for a file that does not parse.
absl::StatusOr<TomlKeys> ReadTomlFiles(const hostfs::HostView& host, const std::string& path,
                                       const std::vector<std::string>& more);

// Adds the Container runtime section.
void CheckRuntimes(const RuntimeInputs& inputs, const hostfs::HostView& host,
                   DoctorReport& report);

}  // namespace gpulet::doctor

#endif  // GPULET_DOCTOR_RUNTIME_CHECKS_H_

// The Kubelet section of `gpulet doctor`: whether the kubelet's
// device-plugin socket exists and accepts connections, and whether a
// device plugin socket (NVIDIA's names, "nvidia-gpu.sock") exists and
// answers for each resource this node would advertise — the usual story
// behind "0 allocatable nvidia.com/gpu".
//
// Paths are host paths read through the HostView; connecting needs the
// socket's path as gpulet sees it to fit in sockaddr_un (108 bytes).
// Thread-compatible.
#ifndef GPULET_DOCTOR_KUBELET_CHECKS_H_
#define GPULET_DOCTOR_KUBELET_CHECKS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "doctor/doctor_report.h"
#include "hostfs/host_view.h"

namespace gpulet::doctor {

// OK when something accepts a connection on the unix socket at agent path
// `path`; Unavailable (connection refused: a stale socket) or the errno's
// code otherwise, naming the path.
absl::Status ProbeUnixSocket(const std::string& path);

// Adds the Kubelet section. `kubelet_socket` empty: the plugin would not
// register (--kubelet-socket ""), nothing to check. A kubelet directory
// that does not exist is a warning (not a Kubernetes node, or not mounted
// into this container); an absent or dead kubelet.sock and a resource
// without a serving plugin socket are blocking problems.
void CheckKubelet(const std::string& kubelet_socket, const std::vector<std::string>& resources,
                  const hostfs::HostView& host, DoctorReport& report);

}  // namespace gpulet::doctor

#endif  // GPULET_DOCTOR_KUBELET_CHECKS_H_

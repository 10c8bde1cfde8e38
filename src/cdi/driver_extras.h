// The driver files besides its libraries that containers get: utilities
// (nvidia-smi, MPS), GSP firmware, the persistenced and fabric manager
// sockets, EGL/Vulkan/OpenCL/X11 configuration files and X.Org modules.
//
// Every result exists on the host: a file that is not found is left out,
// never guessed (specs naming /bin/nvidia-cuda-mps-control on Talos made
// every pod fail at mount time, nicolerenee/infra#2394).
//
// Thread-safe (reads only).
#ifndef GPULET_CDI_DRIVER_EXTRAS_H_
#define GPULET_CDI_DRIVER_EXTRAS_H_

#include <string>
#include <vector>

#include "cdi/driver_libraries.h"
#include "hostfs/driver_roots.h"
#include "hostfs/host_view.h"

namespace gpulet::cdi {

struct ExtrasOptions {
  // Dirs below the driver root searched for binaries before the defaults
  // (/usr/local/sbin, /usr/local/bin, /usr/sbin, /usr/bin, /sbin, /bin):
  // the generator's $PATH, as nvidia-ctk uses it.
  std::vector<std::string> binary_dirs;
  // Host-absolute dirs for config files; empty: <driver root>/etc and the
  // XDG data dirs below the driver root.
  std::vector<std::string> config_search_paths;
  // Below the driver root; empty: /usr/local/share, /usr/share.
  std::vector<std::string> xdg_data_dirs;
  // `uname -r`, for /lib/firmware/<release>; empty skips those dirs.
  std::string kernel_release;
  bool ipc_sockets = true;  // false: feature flag disable-ipc-discoverer
};

struct DriverExtras {
  std::vector<DriverFile> binaries;
  std::vector<DriverFile> firmware;
  std::vector<DriverFile> ipc_sockets;
  std::vector<DriverFile> config_files;
  std::vector<DriverFile> xorg_modules;
};

// Locates everything above for driver `version`. `library_dirs` are the
// host dirs of the driver libraries (for the X.Org module dirs).
DriverExtras LocateDriverExtras(const hostfs::HostView& view,
                                const hostfs::DriverRoots& roots,
                                const std::string& version,
                                const std::vector<std::string>& library_dirs,
                                const ExtrasOptions& options);

}  // namespace gpulet::cdi

#endif  // GPULET_CDI_DRIVER_EXTRAS_H_

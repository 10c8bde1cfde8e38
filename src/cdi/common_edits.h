// The container edits every device of an NVIDIA spec shares: the driver's
// libraries, utilities, firmware, sockets and config files as mounts, the
// library hooks (create-symlinks, enable-cuda-compat, update-ldcache) and
// the environment nvidia-ctk sets.
//
// Thread-safe (pure function).
#ifndef GPULET_CDI_COMMON_EDITS_H_
#define GPULET_CDI_COMMON_EDITS_H_

#include <string>

#include "cdi/driver_extras.h"
#include "cdi/driver_libraries.h"
#include "cdi/hooks.h"
#include "cdi/spec.h"

namespace gpulet::cdi {

struct CommonEditsInput {
  std::string driver_version;
  const DriverLibraries* libraries;
  const DriverExtras* extras;
  const HookFactory* hooks;
  std::string ldconfig_path;  // empty: the hook's default (/sbin/ldconfig)
};

// Mounts are read-only bind mounts ("ro,nosuid,nodev,rbind,rprivate");
// sockets are writable and noexec. Env: NVIDIA_CTK_LIBCUDA_DIR (the
// container dirs of the driver libraries) and NVIDIA_VISIBLE_DEVICES=void,
// which stops the legacy runtime hook from injecting devices on top.
ContainerEdits BuildCommonEdits(const CommonEditsInput& input);

}  // namespace gpulet::cdi

#endif  // GPULET_CDI_COMMON_EDITS_H_

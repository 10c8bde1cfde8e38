// Rewriting the root of the paths in a spec (`gpulet cdi transform root`),
// as `nvidia-ctk cdi transform root` does.
//
// Needed when the spec is generated where the host's driver root is
// mounted elsewhere: the device plugin sees the host's driver root at
// "/driver-root" and must write specs that name "/run/nvidia/driver" or
// "/home/kubernetes/bin/nvidia" (k8s-device-plugin #621/#666).
//
// Thread-safe (pure function).
#ifndef GPULET_CDI_SPEC_TRANSFORM_H_
#define GPULET_CDI_SPEC_TRANSFORM_H_

#include <string_view>

#include "absl/status/status.h"
#include "cdi/spec.h"

namespace gpulet::cdi {

enum class TransformTarget {
  // Host side: device node hostPath (from path when unset), mount hostPath,
  // the path of every hook but startContainer, and the arguments of hooks
  // that run outside the container (not createContainer/startContainer).
  kHost,
  // Container side: device node path, mount containerPath, the arguments
  // of createContainer/startContainer hooks (both halves of "a::b") and
  // the path of startContainer hooks.
  kContainer,
};

// Replaces the prefix `from` by `to` in the paths listed for `target`,
// matching on path-component boundaries ("/driver" does not match
// "/driver-backup"). A device node whose hostPath ends up equal to its path
// loses the hostPath; cdiVersion is raised if the result needs it.
// InvalidArgument naming the flag when `from` or `to` is not absolute.
absl::Status TransformRoot(Spec& spec, std::string_view from, std::string_view to,
                           TransformTarget target);

}  // namespace gpulet::cdi

#endif  // GPULET_CDI_SPEC_TRANSFORM_H_

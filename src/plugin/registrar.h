// Registrar: announces a resource's plugin socket to the kubelet.
//
// The seam between the Manager and the kubelet's Registration service:
// KubeletRegistrar calls it over kubelet.sock; lifecycle tests count and
// fail registrations without a kubelet.
//
// Implementations are thread-compatible; the Manager calls them from its
// own thread.
#ifndef GPULET_PLUGIN_REGISTRAR_H_
#define GPULET_PLUGIN_REGISTRAR_H_

#include <string>

#include "absl/status/status.h"

namespace gpulet::plugin {

class Registrar {
 public:
  virtual ~Registrar() = default;

  // Registers `resource_name` served on `endpoint` (the socket's file name
  // in the kubelet's device plugin directory). Unavailable when the kubelet
  // cannot be reached; the kubelet's own error code otherwise.
  virtual absl::Status Register(const std::string& resource_name,
                                const std::string& endpoint) = 0;
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_REGISTRAR_H_

// KubeletRegistrar: registers plugins with the kubelet's v1beta1
// Registration service on kubelet.sock.
//
// Every Register() dials the socket afresh: after a kubelet restart the old
// connection is dead, and registration is rare enough (once per resource
// per kubelet start) that a cached channel would only add a failure mode.
//
// Thread-compatible.
#ifndef GPULET_PLUGIN_KUBELET_REGISTRAR_H_
#define GPULET_PLUGIN_KUBELET_REGISTRAR_H_

#include <chrono>
#include <string>

#include "plugin/registrar.h"

namespace gpulet::plugin {

class KubeletRegistrar final : public Registrar {
 public:
  // `kubelet_socket`: path of kubelet.sock. `timeout` bounds each call,
  // connection included.
  KubeletRegistrar(std::string kubelet_socket, std::chrono::milliseconds timeout)
      : kubelet_socket_(std::move(kubelet_socket)), timeout_(timeout) {}

  // Registrar
  absl::Status Register(const std::string& resource_name,
                        const std::string& endpoint) override;

 private:
  const std::string kubelet_socket_;
  const std::chrono::milliseconds timeout_;
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_KUBELET_REGISTRAR_H_

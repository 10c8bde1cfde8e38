// The device plugin's settings that are not part of NVIDIA's config file:
// where it registers, gpulet's own additions, and their defaults. Resolved
// by cli/ from flags and environment variables (flag > env > default).
// Plain values.
#ifndef GPULET_NODE_PLUGIN_OPTIONS_H_
#define GPULET_NODE_PLUGIN_OPTIONS_H_

#include <chrono>
#include <optional>
#include <string>

namespace gpulet::node {

inline constexpr char kDefaultKubeletSocket[] = "/var/lib/kubelet/device-plugins/kubelet.sock";

struct DevicePluginOptions {
  std::string kubelet_socket = kDefaultKubeletSocket;  // "" = do not register
  std::string metrics_address;                         // "" = no HTTP server
  std::chrono::milliseconds rescan_interval{30000};
  // How long a faulty device must stay quiet before it is healthy again;
  // nullopt: never (NVIDIA's behaviour).
  std::optional<std::chrono::milliseconds> recovery_window = std::chrono::minutes(5);
  // Where the plugin's own CDI spec goes with a cdi-* device list strategy
  // (NVIDIA's fixed /var/run/cdi).
  std::string cdi_spec_dir = "/var/run/cdi";
  // Serve the scheduler extender's decisions (off: NVIDIA's behaviour).
  bool scheduler_handoff = false;
  // Kubernetes access for the hand-off; "" = $KUBECONFIG, in-cluster, ~/.kube/config.
  std::string kubeconfig;
};

}  // namespace gpulet::node

#endif  // GPULET_NODE_PLUGIN_OPTIONS_H_

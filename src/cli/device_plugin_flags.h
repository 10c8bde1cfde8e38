// The flags of `gpulet device-plugin` with NVIDIA's names and aliases
// (reference §1). CLI11 only records what was given; env fallbacks, the
// config file and defaults are merged by config/ (flag > env > file >
// default), except for --kubelet-socket, --metrics-address and
// --rescan-interval, which are CLI-and-env only and resolved here.
//
// Not thread-safe: used on the main thread while parsing.
#ifndef GPULET_CLI_DEVICE_PLUGIN_FLAGS_H_
#define GPULET_CLI_DEVICE_PLUGIN_FLAGS_H_

#include <chrono>
#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "cli/node_flags.h"
#include "config/config.h"
#include "config/environment.h"
#include "node/plugin_options.h"

namespace gpulet::cli {

using node::DevicePluginOptions;
using node::kDefaultKubeletSocket;

class DevicePluginFlagSet {
 public:
  explicit DevicePluginFlagSet(CLI::App& app);
  DevicePluginFlagSet(const DevicePluginFlagSet&) = delete;
  DevicePluginFlagSet& operator=(const DevicePluginFlagSet&) = delete;

  ConfigFlags Parsed() const;
  // KUBELET_SOCKET, GPULET_METRICS_ADDRESS, GPULET_RESCAN_INTERVAL,
  // GPULET_HEALTH_RECOVERY_WINDOW, GPULET_CDI_SPEC_DIR and
  // GPULET_SCHEDULER_HANDOFF under the flags. InvalidArgument for a
  // bad duration.
  absl::StatusOr<DevicePluginOptions> ResolveOnly(const Environment& env) const;

 private:
  // CLI11 2.1 has no std::optional support: each flag parses into a plain
  // value, and Parsed() copies it over when its option was given.
  void String(CLI::App& app, const std::string& names, std::optional<std::string> ConfigFlags::*field,
              const std::string& help);
  void Bool(CLI::App& app, const std::string& names, std::optional<bool> ConfigFlags::*field,
            const std::string& help);
  void List(CLI::App& app, const std::string& names,
            std::optional<std::vector<std::string>> ConfigFlags::*field, const std::string& help);

  NodeFlagSet node_;
  std::vector<std::function<void(ConfigFlags&)>> copy_;
  // Stable storage for parsed values (deque-like: never moved).
  std::vector<std::unique_ptr<std::string>> strings_;
  std::vector<std::unique_ptr<bool>> bools_;
  std::vector<std::unique_ptr<std::vector<std::string>>> lists_;
  std::vector<int> imex_channel_ids_;
  CLI::Option* imex_option_ = nullptr;
  std::string kubelet_socket_, metrics_address_, rescan_interval_, recovery_window_,
      cdi_spec_dir_, kubeconfig_;
  bool scheduler_handoff_ = false;
  CLI::Option* cdi_spec_dir_option_ = nullptr;
  CLI::Option* scheduler_handoff_option_ = nullptr;
  CLI::Option* kubeconfig_option_ = nullptr;
  CLI::Option* kubelet_socket_option_ = nullptr;
  CLI::Option* metrics_address_option_ = nullptr;
  CLI::Option* rescan_interval_option_ = nullptr;
  CLI::Option* recovery_window_option_ = nullptr;
};

}  // namespace gpulet::cli

#endif  // GPULET_CLI_DEVICE_PLUGIN_FLAGS_H_

// PluginPart: the device plugin — Manager, gRPC servers, health monitor,
// /metrics and the optional scheduler hand-off — built on a NodeSource
// that the caller opened, so that `gpulet device-plugin` and `gpulet node`
// run the same plugin and a node process opens NVML once.
//
// Stop order, kept by Run(): the Manager shuts its servers down and
// unlinks their sockets, then the hand-off and the health thread end, then
// `on_stopped` runs (where the caller stops its other users of NVML and
// closes it), and last the HTTP server stops.
//
// Not thread-safe: built and run on the main thread; events() may be
// posted to from any thread.
#ifndef GPULET_NODE_PLUGIN_PART_H_
#define GPULET_NODE_PLUGIN_PART_H_

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "base/signals.h"
#include "cdi/driver_extras.h"
#include "config/config.h"
#include "config/config_file_override.h"
#include "config/environment.h"
#include "inventory/node_source.h"
#include "node/plugin_options.h"
#include "plugin/manager.h"
#include "plugin/metrics_http_server.h"
#include "plugin/node_health.h"
#include "plugin/node_resource_source.h"

namespace gpulet::node {

class PluginHandoff;

struct PluginPartOptions {
  ConfigFlags flags;
  DevicePluginOptions plugin;
  cdi::ExtrasOptions cdi_extras;
  // The per-node config choice that reloads read; null: --config-file.
  std::shared_ptr<const ConfigFileOverride> config_override;
  // Called on the Manager's thread with every inventory the plugin builds
  // (start, rescan, reload), after the plugin's own observers.
  std::function<void(std::shared_ptr<const inventory::Inventory>)> on_inventory;
  // Called on the Manager's thread after every config reload (SIGHUP or a
  // kReload event), whatever its outcome, with the config now running.
  std::function<void(const Config&)> on_reload;
  // Called once the sockets are gone and health has stopped.
  std::function<void()> on_stopped;
};

class PluginPart {
 public:
  // `env` and `node` must outlive the part; `node` null serves nothing
  // (NVML unusable with --fail-on-init-error=false). InvalidArgument for
  // settings that cannot work (the hand-off without a node name);
  // FailedPrecondition without Kubernetes access for the hand-off;
  // Unavailable or the listener's error when /metrics cannot listen.
  static absl::StatusOr<std::unique_ptr<PluginPart>> Create(const Environment* env,
                                                            PluginPartOptions options,
                                                            Config config,
                                                            const inventory::NodeSource* node);
  ~PluginPart();
  PluginPart(const PluginPart&) = delete;
  PluginPart& operator=(const PluginPart&) = delete;

  // Serves until SIGTERM/SIGINT/SIGQUIT from `signals` (SIGHUP reloads) or
  // a kStop event. OK after a clean stop.
  absl::Status Run(SignalWatcher* signals);

  // To ask for a reload (kReload) or a stop (kStop) from another thread.
  plugin::ManagerEvents& events() { return manager_->events(); }
  const plugin::Manager& manager() const { return *manager_; }

 private:
  PluginPart() = default;
  absl::Status StartManager(PluginPartOptions& options);
  absl::Status Attach(const DevicePluginOptions& plugin);

  std::unique_ptr<plugin::NodeHealth> health_;
  std::unique_ptr<plugin::NodeResourceSource> source_;
  std::unique_ptr<PluginHandoff> handoff_;
  std::shared_ptr<plugin::PluginMetrics> metrics_ = std::make_shared<plugin::PluginMetrics>();
  std::unique_ptr<plugin::Manager> manager_;
  health::HealthFeed::Subscription subscription_;
  std::unique_ptr<plugin::MetricsHttpServer> http_;
};

}  // namespace gpulet::node

#endif  // GPULET_NODE_PLUGIN_PART_H_

#include "cli/device_plugin_command.h"

#include <filesystem>
#include <memory>

#include "base/absl_format.h"
#include "cli/device_plugin_flags.h"
#include "health/health_monitor.h"
#include "health/xid_policy.h"
#include "inventory/node_source.h"
#include "plugin/kubelet_registrar.h"
#include "plugin/manager.h"
#include "plugin/metrics_http_server.h"
#include "plugin/node_resource_source.h"
#include "plugin/signal_channel.h"
#include "spdlog/spdlog.h"

namespace gpulet::cli {
namespace {

using plugin::Manager;

// NVML opened once; null with --fail-on-init-error=false when it cannot be.
absl::StatusOr<std::unique_ptr<inventory::NodeSource>> OpenNode(const Config& config) {
  absl::StatusOr<inventory::NodeSource> node = inventory::NodeSource::Open(config.node);
  if (node.ok()) return std::make_unique<inventory::NodeSource>(*std::move(node));
  if (config.fail_on_init_error) return node.status();
  spdlog::error("{}; --fail-on-init-error=false: serving no devices", node.status());
  return nullptr;
}

std::unique_ptr<health::HealthMonitor> StartHealth(const Environment& env,
                                                   const inventory::NodeSource& node) {
  health::XidPolicyParse xids = health::ParseXidPolicy(env.Get("DP_DISABLE_HEALTHCHECKS"),
                                                       env.Get("DP_ENABLE_HEALTHCHECKS"));
  for (const std::string& warning : xids.warnings) spdlog::warn("{}", warning);
  absl::StatusOr<std::shared_ptr<const inventory::Inventory>> inventory = node.Snapshot();
  if (!inventory.ok()) {
    spdlog::error("Health checks off: {}", inventory.status());
    return nullptr;
  }
  health::HealthMonitorOptions options;
  options.xids = xids.policy;
  absl::StatusOr<std::unique_ptr<health::HealthMonitor>> monitor =
      health::HealthMonitor::Start(node.nvml(), *inventory, options);
  if (!monitor.ok()) {
    spdlog::error("Health checks off: {}", monitor.status());
    return nullptr;
  }
  return *std::move(monitor);
}

int RunDevicePlugin(const Environment& env, const DevicePluginFlagSet& flag_set) {
  // Before any thread exists, so that every thread inherits the mask.
  absl::StatusOr<std::unique_ptr<plugin::SignalChannel>> signals = plugin::SignalChannel::Create();
  if (!signals.ok()) {
    spdlog::error("{}", signals.status());
    return 1;
  }
  ConfigFlags flags = flag_set.Parsed();
  absl::StatusOr<DevicePluginOnlyOptions> only = flag_set.ResolveOnly(env);
  absl::StatusOr<Config> config = LoadConfig(flags, env, ConfigUser::kDevicePlugin);
  if (!only.ok() || !config.ok()) {
    spdlog::error("{}", only.ok() ? config.status() : only.status());
    return 2;
  }
  for (const std::string& warning : config->warnings) spdlog::warn("{}", warning);
  absl::StatusOr<std::unique_ptr<inventory::NodeSource>> node = OpenNode(*config);
  if (!node.ok()) {
    spdlog::error("{}", node.status());
    return 1;
  }
  std::unique_ptr<health::HealthMonitor> monitor =
      *node != nullptr ? StartHealth(env, **node) : nullptr;
  plugin::NodeResourceSource source(flags, &env, *std::move(config), node->get());

  plugin::ManagerOptions options;
  std::filesystem::path kubelet_socket = only->kubelet_socket.empty()
                                             ? std::filesystem::path(kDefaultKubeletSocket)
                                             : std::filesystem::path(only->kubelet_socket);
  options.socket_dir = kubelet_socket.parent_path();
  options.kubelet_socket_name = kubelet_socket.filename();
  options.rescan_interval = only->rescan_interval;
  // The stop order: servers shut down and sockets unlinked (Manager), then
  // the health thread ends and NVML shuts down.
  options.on_stopped = [&monitor, &node] {
    if (monitor != nullptr) monitor->Stop();
    monitor.reset();
    node->reset();
  };
  std::unique_ptr<plugin::Registrar> registrar;
  if (!only->kubelet_socket.empty()) {
    registrar = std::make_unique<plugin::KubeletRegistrar>(only->kubelet_socket,
                                                           std::chrono::seconds(5));
  }
  plugin::HealthViewSource health;
  if (monitor != nullptr) {
    std::shared_ptr<health::HealthFeed> feed = monitor->feed();
    health = [feed] {
      return plugin::HealthView([snapshot = feed->Current()](std::string_view uuid) {
        return snapshot->IsHealthy(uuid);
      });
    };
  }
  auto metrics = std::make_shared<plugin::PluginMetrics>();
  absl::StatusOr<std::unique_ptr<Manager>> manager = Manager::Create(
      options, &source, std::move(registrar), std::move(health), metrics);
  if (!manager.ok()) {
    spdlog::error("{}", manager.status());
    return 1;
  }
  health::HealthFeed::Subscription subscription;
  if (monitor != nullptr) {
    Manager* m = manager->get();
    subscription = monitor->feed()->Subscribe([m](uint64_t) {
      m->events().Post({plugin::ManagerEvent::Kind::kHealthChanged, ""});
    });
  }
  std::unique_ptr<plugin::MetricsHttpServer> http;
  if (!only->metrics_address.empty()) {
    absl::StatusOr<std::unique_ptr<plugin::MetricsHttpServer>> started =
        plugin::MetricsHttpServer::Start(only->metrics_address, manager->get(), metrics);
    if (!started.ok()) {
      spdlog::error("{}", started.status());
      return 2;
    }
    http = *std::move(started);
  }
  absl::Status status = (*manager)->Run(signals->get());
  subscription.Reset();
  if (http != nullptr) http->Stop();
  return status.ok() ? 0 : 1;
}

}  // namespace

void AddDevicePluginCommand(CLI::App& app, const CommandContext& context,
                            CommandRunner& runner) {
  CLI::App* command = app.add_subcommand(
      "device-plugin", "kubelet device plugin (drop-in for nvidia-device-plugin)");
  auto flags = std::make_shared<DevicePluginFlagSet>(*command);
  const Environment* environment = context.environment;
  command->callback([&runner, flags, environment] {
    runner = [flags, environment] { return RunDevicePlugin(*environment, *flags); };
  });
}

}  // namespace gpulet::cli

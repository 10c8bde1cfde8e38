#include "cli/device_plugin_command.h"

#include <signal.h>

#include <filesystem>
#include <memory>

#include "base/absl_format.h"
#include "base/signals.h"
#include "cli/cdi_command.h"
#include "cli/device_plugin_flags.h"
#include "cli/device_plugin_handoff.h"
#include "health/xid_policy.h"
#include "inventory/node_source.h"
#include "plugin/kubelet_registrar.h"
#include "plugin/manager.h"
#include "plugin/metrics_http_server.h"
#include "plugin/node_health.h"
#include "plugin/node_resource_source.h"
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

// The node's health monitor; null (logged) when health checks cannot run,
// in which case devices keep the health known when they are built.
std::unique_ptr<plugin::NodeHealth> StartHealth(const Environment& env,
                                                const DevicePluginOnlyOptions& only,
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
  options.recovery_window = only.recovery_window;
  absl::StatusOr<std::unique_ptr<plugin::NodeHealth>> health =
      plugin::NodeHealth::Start(node.nvml(), *inventory, options);
  if (!health.ok()) {
    spdlog::error("Health checks off: {}", health.status());
    return nullptr;
  }
  return *std::move(health);
}

plugin::HealthViewSource HealthView(const plugin::NodeHealth* health) {
  if (health == nullptr) return nullptr;
  std::shared_ptr<health::HealthFeed> feed = health->feed();
  return [feed] {
    return plugin::HealthView([snapshot = feed->Current()](std::string_view uuid) {
      return snapshot->IsHealthy(uuid);
    });
  };
}

// The same view for the node annotation publisher.
plugin::NodeGpuPublisher::HealthSource HealthFunction(const plugin::NodeHealth* health) {
  plugin::HealthViewSource source = HealthView(health);
  if (!source) return nullptr;
  return [source] { return std::function<bool(std::string_view)>(source()); };
}

plugin::ManagerOptions ToManagerOptions(const DevicePluginOnlyOptions& only) {
  plugin::ManagerOptions options;
  std::filesystem::path kubelet_socket = only.kubelet_socket.empty()
                                             ? std::filesystem::path(kDefaultKubeletSocket)
                                             : std::filesystem::path(only.kubelet_socket);
  options.socket_dir = kubelet_socket.parent_path();
  options.kubelet_socket_name = kubelet_socket.filename();
  options.rescan_interval = only.rescan_interval;
  return options;
}

std::unique_ptr<plugin::Registrar> MakeRegistrar(const DevicePluginOnlyOptions& only) {
  if (only.kubelet_socket.empty()) return nullptr;
  return std::make_unique<plugin::KubeletRegistrar>(only.kubelet_socket,
                                                    std::chrono::seconds(5));
}

// What a running plugin owns, declared in the order it is built; members
// are destroyed in reverse, so the Manager (and its gRPC servers) goes
// before health and NVML.
struct Runtime {
  std::unique_ptr<inventory::NodeSource> node;
  std::unique_ptr<plugin::NodeHealth> health;
  std::unique_ptr<plugin::NodeResourceSource> source;
  std::unique_ptr<DevicePluginHandoff> handoff;
  std::shared_ptr<plugin::PluginMetrics> metrics = std::make_shared<plugin::PluginMetrics>();
  std::unique_ptr<Manager> manager;
  health::HealthFeed::Subscription subscription;
  std::unique_ptr<plugin::MetricsHttpServer> http;
};

// Everything up to a Manager ready to run. The exit code on failure.
std::optional<int> Build(const Environment& env, const DevicePluginFlagSet& flag_set,
                         Runtime& rt, DevicePluginOnlyOptions& only) {
  ConfigFlags flags = flag_set.Parsed();
  absl::StatusOr<DevicePluginOnlyOptions> resolved = flag_set.ResolveOnly(env);
  absl::StatusOr<Config> config = LoadConfig(flags, env, ConfigUser::kDevicePlugin);
  if (!resolved.ok() || !config.ok()) {
    spdlog::error("{}", resolved.ok() ? config.status() : resolved.status());
    return 2;
  }
  only = *std::move(resolved);
  for (const std::string& warning : config->warnings) spdlog::warn("{}", warning);
  absl::StatusOr<std::unique_ptr<inventory::NodeSource>> node = OpenNode(*config);
  if (!node.ok()) {
    spdlog::error("{}", node.status());
    return 1;
  }
  rt.node = *std::move(node);
  if (rt.node != nullptr) rt.health = StartHealth(env, only, *rt.node);
  rt.source = std::make_unique<plugin::NodeResourceSource>(flags, &env, *std::move(config),
                                                           rt.node.get());
  rt.source->set_cdi_writer(
      std::make_shared<plugin::CdiSpecWriter>(only.cdi_spec_dir, GeneratorExtras(env)));
  if (only.scheduler_handoff) {
    absl::StatusOr<std::unique_ptr<DevicePluginHandoff>> handoff = DevicePluginHandoff::Start(
        rt.source->config().plugin.node_name, only.kubeconfig, env,
        HealthFunction(rt.health.get()));
    if (!handoff.ok()) {
      spdlog::error("{}", handoff.status());
      return 2;
    }
    rt.handoff = *std::move(handoff);
    rt.source->set_handoff(rt.handoff->Context());
  }
  rt.source->set_inventory_observer([health = rt.health.get(), handoff = rt.handoff.get()](
                                        std::shared_ptr<const inventory::Inventory> inventory) {
    if (handoff != nullptr) handoff->publisher().Update(inventory);
    if (health != nullptr) health->Update(std::move(inventory));
  });
  plugin::ManagerOptions options = ToManagerOptions(only);
  // The stop order: servers shut down and sockets unlinked (Manager), then
  // the health thread ends, then NVML shuts down with the last reference.
  options.on_stopped = [&rt] {
    if (rt.handoff != nullptr) rt.handoff->Stop();
    rt.health.reset();
    rt.node.reset();
  };
  absl::StatusOr<std::unique_ptr<Manager>> manager =
      Manager::Create(std::move(options), rt.source.get(), MakeRegistrar(only),
                      HealthView(rt.health.get()), rt.metrics);
  if (!manager.ok()) {
    spdlog::error("{}", manager.status());
    return 1;
  }
  rt.manager = *std::move(manager);
  return std::nullopt;
}

// Health changes and /metrics: what runs beside the Manager.
std::optional<int> Attach(const DevicePluginOnlyOptions& only, Runtime& rt) {
  if (rt.health != nullptr) {
    Manager* manager = rt.manager.get();
    DevicePluginHandoff* handoff = rt.handoff.get();
    rt.subscription = rt.health->feed()->Subscribe([manager, handoff](uint64_t) {
      manager->events().Post({plugin::ManagerEvent::Kind::kHealthChanged, ""});
      if (handoff != nullptr) handoff->publisher().HealthChanged();
    });
  }
  if (only.metrics_address.empty()) return std::nullopt;
  absl::StatusOr<std::unique_ptr<plugin::MetricsHttpServer>> http =
      plugin::MetricsHttpServer::Start(only.metrics_address, rt.manager.get(), rt.metrics);
  if (!http.ok()) {
    spdlog::error("{}", http.status());
    return 2;
  }
  rt.http = *std::move(http);
  return std::nullopt;
}

int RunDevicePlugin(const Environment& env, const DevicePluginFlagSet& flag_set) {
  // Before any thread exists, so that every thread inherits the mask and
  // the signals reach the Manager's loop only.
  absl::StatusOr<SignalWatcher> signals = SignalWatcher::Open({SIGTERM, SIGINT, SIGQUIT, SIGHUP});
  if (!signals.ok()) {
    spdlog::error("{}", signals.status());
    return 1;
  }
  Runtime rt;
  DevicePluginOnlyOptions only;
  if (std::optional<int> code = Build(env, flag_set, rt, only)) return *code;
  if (std::optional<int> code = Attach(only, rt)) return *code;
  absl::Status status = rt.manager->Run(&*signals);
  rt.subscription.Reset();
  if (rt.http != nullptr) rt.http->Stop();
  if (!status.ok()) spdlog::error("{}", status);
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

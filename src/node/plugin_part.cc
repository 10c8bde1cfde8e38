#include "node/plugin_part.h"

#include <filesystem>

#include "base/absl_format.h"
#include "base/status_macros.h"
#include "health/xid_policy.h"
#include "node/plugin_handoff.h"
#include "plugin/cdi_spec_writer.h"
#include "plugin/kubelet_registrar.h"
#include "spdlog/spdlog.h"

namespace gpulet::node {
namespace {

// The node's health monitor; null (logged) when health checks cannot run,
// in which case devices keep the health known when they are built.
std::unique_ptr<plugin::NodeHealth> StartHealth(const Environment& env,
                                                const DevicePluginOptions& options,
                                                const inventory::NodeSource& node) {
  health::XidPolicyParse xids = health::ParseXidPolicy(env.Get("DP_DISABLE_HEALTHCHECKS"),
                                                       env.Get("DP_ENABLE_HEALTHCHECKS"));
  for (const std::string& warning : xids.warnings) spdlog::warn("{}", warning);
  absl::StatusOr<std::shared_ptr<const inventory::Inventory>> inventory = node.Snapshot();
  if (!inventory.ok()) {
    spdlog::error("Health checks off: {}", inventory.status());
    return nullptr;
  }
  health::HealthMonitorOptions monitor;
  monitor.xids = xids.policy;
  monitor.recovery_window = options.recovery_window;
  absl::StatusOr<std::unique_ptr<plugin::NodeHealth>> health =
      plugin::NodeHealth::Start(node.nvml(), *inventory, monitor);
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

plugin::ManagerOptions ToManagerOptions(const DevicePluginOptions& options) {
  plugin::ManagerOptions out;
  std::filesystem::path kubelet_socket = options.kubelet_socket.empty()
                                             ? std::filesystem::path(kDefaultKubeletSocket)
                                             : std::filesystem::path(options.kubelet_socket);
  out.socket_dir = kubelet_socket.parent_path();
  out.kubelet_socket_name = kubelet_socket.filename();
  out.rescan_interval = options.rescan_interval;
  return out;
}

std::unique_ptr<plugin::Registrar> MakeRegistrar(const DevicePluginOptions& options) {
  if (options.kubelet_socket.empty()) return nullptr;
  return std::make_unique<plugin::KubeletRegistrar>(options.kubelet_socket,
                                                    std::chrono::seconds(5));
}

}  // namespace

absl::StatusOr<std::unique_ptr<PluginPart>> PluginPart::Create(const Environment* env,
                                                               PluginPartOptions options,
                                                               Config config,
                                                               const inventory::NodeSource* node) {
  std::unique_ptr<PluginPart> part(new PluginPart());
  if (node != nullptr) part->health_ = StartHealth(*env, options.plugin, *node);
  part->source_ = std::make_unique<plugin::NodeResourceSource>(options.flags, env,
                                                               std::move(config), node);
  part->source_->set_cdi_writer(std::make_shared<plugin::CdiSpecWriter>(
      options.plugin.cdi_spec_dir, options.cdi_extras));
  if (options.config_override != nullptr) {
    part->source_->set_config_file_override(options.config_override);
  }
  if (options.on_reload) part->source_->set_reload_observer(std::move(options.on_reload));
  if (options.plugin.scheduler_handoff) {
    ASSIGN_OR_RETURN(part->handoff_,
                     PluginHandoff::Start(part->source_->config().plugin.node_name,
                                          options.plugin.kubeconfig, *env,
                                          HealthFunction(part->health_.get())));
    part->source_->set_handoff(part->handoff_->Context());
  }
  RETURN_IF_ERROR(part->StartManager(options));
  RETURN_IF_ERROR(part->Attach(options.plugin));
  return part;
}

absl::Status PluginPart::StartManager(PluginPartOptions& options) {
  source_->set_inventory_observer(
      [health = health_.get(), handoff = handoff_.get(), next = std::move(options.on_inventory)](
          std::shared_ptr<const inventory::Inventory> inventory) {
        if (handoff != nullptr) handoff->publisher().Update(inventory);
        if (health != nullptr) health->Update(inventory);
        if (next) next(std::move(inventory));
      });
  plugin::ManagerOptions manager = ToManagerOptions(options.plugin);
  manager.on_stopped = [this, next = std::move(options.on_stopped)] {
    if (handoff_ != nullptr) handoff_->Stop();
    health_.reset();
    if (next) next();
  };
  ASSIGN_OR_RETURN(manager_,
                   plugin::Manager::Create(std::move(manager), source_.get(),
                                           MakeRegistrar(options.plugin),
                                           HealthView(health_.get()), metrics_));
  return absl::OkStatus();
}

// Health changes and /metrics: what runs beside the Manager.
absl::Status PluginPart::Attach(const DevicePluginOptions& plugin) {
  if (health_ != nullptr) {
    plugin::Manager* manager = manager_.get();
    PluginHandoff* handoff = handoff_.get();
    subscription_ = health_->feed()->Subscribe([manager, handoff](uint64_t) {
      manager->events().Post({plugin::ManagerEvent::Kind::kHealthChanged, ""});
      if (handoff != nullptr) handoff->publisher().HealthChanged();
    });
  }
  if (plugin.metrics_address.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(http_,
                   plugin::MetricsHttpServer::Start(plugin.metrics_address, manager_.get(),
                                                    metrics_));
  return absl::OkStatus();
}

absl::Status PluginPart::Run(SignalWatcher* signals) {
  absl::Status status = manager_->Run(signals);
  subscription_.Reset();
  if (http_ != nullptr) http_->Stop();
  return status;
}

PluginPart::~PluginPart() {
  subscription_.Reset();
  if (http_ != nullptr) http_->Stop();
  manager_.reset();
  if (handoff_ != nullptr) handoff_->Stop();
}

}  // namespace gpulet::node

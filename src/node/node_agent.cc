#include "node/node_agent.h"

#include <signal.h>

#include <atomic>
#include <memory>

#include "base/absl_format.h"
#include "inventory/inventory_json.h"
#include "kube/client.h"
#include "kube/client_config.h"
#include "node/config_switcher.h"
#include "node/label_loop.h"
#include "node/node_events.h"
#include "node/node_label_watch.h"
#include "node/open_node_source.h"
#include "plugin/cdi_spec_writer.h"
#include "spdlog/spdlog.h"

namespace gpulet::node {
namespace {

constexpr int kBadSettings = 2;
constexpr int kFailed = 1;

int ExitCode(const absl::Status& status) {
  return status.code() == absl::StatusCode::kInvalidArgument ? kBadSettings : kFailed;
}

// What a running node owns, in the order it is built; destroyed in reverse.
class Agent {
 public:
  Agent(const Environment* env, NodeAgentOptions options)
      : env_(env), options_(std::move(options)) {}
  ~Agent() { StopParts(); }

  // Everything up to the parts ready to run; the exit code on failure.
  std::optional<int> Build();
  int Run(SignalWatcher* signals);

 private:
  std::optional<int> StartSelection();
  absl::StatusOr<Config> LoadPluginConfig() const;
  // A new inventory: the CDI spec and the labels follow it when it differs
  // from the last one. On the Manager's thread, or the main loop's.
  void OnInventory(const std::shared_ptr<const inventory::Inventory>& inventory, bool force);
  // Without the plugin part, which otherwise hands over its reloaded config.
  void RefreshCdiOptions();
  int RunWithoutPlugin(SignalWatcher* signals);
  void StopParts();

  const Environment* const env_;
  NodeAgentOptions options_;
  std::shared_ptr<ConfigFileOverride> choice_ = std::make_shared<ConfigFileOverride>();
  std::unique_ptr<kube::Client> client_;
  std::unique_ptr<KubeNodeEvents> events_;
  std::unique_ptr<ConfigSwitcher> switcher_;
  std::unique_ptr<NodeLabelWatch> watch_;
  std::unique_ptr<inventory::NodeSource> source_;
  std::unique_ptr<plugin::CdiSpecWriter> cdi_;
  std::unique_ptr<LabelLoop> labels_;
  std::unique_ptr<PluginPart> plugin_;
  // Touched by the inventory's thread only (the Manager's or the main one).
  plugin::CdiSpecOptions cdi_options_;
  std::string last_inventory_;
  // Set by a config switch when no Manager thread owns the CDI writer.
  std::atomic<bool> cdi_stale_{false};
};

absl::StatusOr<Config> Agent::LoadPluginConfig() const {
  ConfigUser user = options_.device_plugin || !options_.feature_discovery
                        ? ConfigUser::kDevicePlugin
                        : ConfigUser::kFeatureDiscovery;
  return LoadConfig(choice_->Apply(options_.plugin.flags), *env_, user);
}

std::optional<int> Agent::StartSelection() {
  const std::string& node = options_.node_feature.node_name;
  if (node.empty()) {
    spdlog::error("--config-file-srcdir needs this node's name: set --node-name or NODE_NAME");
    return kBadSettings;
  }
  absl::StatusOr<kube::ClientConfig> config =
      kube::ResolveClientConfig(options_.plugin.plugin.kubeconfig, *env_);
  if (!config.ok()) {
    spdlog::error("Per-node config needs Kubernetes access: {}", config.status());
    return kBadSettings;
  }
  absl::StatusOr<std::unique_ptr<kube::Client>> client = kube::Client::Create(*config);
  if (!client.ok()) {
    spdlog::error("{}", client.status());
    return kFailed;
  }
  client_ = *std::move(client);
  std::optional<std::string> label;
  if (absl::StatusOr<nlohmann::json> object = client_->GetNode(node); object.ok()) {
    label = NodeLabelValue(*object, options_.config_label);
  } else {
    spdlog::warn("Reading node {} for its {} label: {}; choosing as if it had none", node,
                 options_.config_label, object.status());
  }
  events_ = std::make_unique<KubeNodeEvents>(client_.get(), node);
  ConfigSwitcherOptions switcher;
  switcher.selection = *options_.selection;
  switcher.label = options_.config_label;
  switcher.flags = options_.plugin.flags;
  switcher.device_plugin = options_.device_plugin;
  switcher.feature_discovery = options_.feature_discovery;
  switcher_ = std::make_unique<ConfigSwitcher>(env_, switcher, choice_, events_.get(), [this] {
    if (plugin_ != nullptr) {
      // The Manager reloads; its reload observer reloads the other parts.
      plugin_->events().Post({plugin::ManagerEvent::Kind::kReload, ""});
      return;
    }
    if (labels_ != nullptr) labels_->Reload();
    cdi_stale_ = true;
  });
  if (absl::Status status = switcher_->Initialize(label); !status.ok()) {
    spdlog::error("No usable config for node {}: {}", node, status);
    return kBadSettings;
  }
  watch_ = std::make_unique<NodeLabelWatch>(
      client_.get(), node, options_.config_label,
      [switcher = switcher_.get()](std::optional<std::string> value) {
        switcher->Update(std::move(value));
      });
  return std::nullopt;
}

void Agent::RefreshCdiOptions() {
  absl::StatusOr<Config> config = LoadPluginConfig();
  if (config.ok()) cdi_options_ = plugin::ToCdiSpecOptions(*config);
}

void Agent::OnInventory(const std::shared_ptr<const inventory::Inventory>& inventory,
                        bool force) {
  std::string text = InventoryToJson(*inventory).dump();
  if (!force && text == last_inventory_) return;
  last_inventory_ = std::move(text);
  if (cdi_ != nullptr && source_ != nullptr) {
    if (absl::StatusOr<bool> written = cdi_->Update(source_->host(), *inventory, cdi_options_);
        !written.ok()) {
      spdlog::error("CDI spec {} not updated: {}", cdi_->path(), written.status());
    }
  }
  if (labels_ != nullptr && !force) labels_->LabelNow();
}

std::optional<int> Agent::Build() {
  if (options_.selection.has_value()) {
    if (std::optional<int> code = StartSelection()) return code;
  }
  absl::StatusOr<Config> config = LoadPluginConfig();
  if (!config.ok()) {
    spdlog::error("{}", config.status());
    return kBadSettings;
  }
  for (const std::string& warning : config->warnings) spdlog::warn("{}", warning);
  absl::StatusOr<std::unique_ptr<inventory::NodeSource>> source = OpenNodeSource(*config);
  if (!source.ok()) {
    spdlog::error("{}", source.status());
    return kFailed;
  }
  source_ = *std::move(source);
  // Before the labels, whose checkpoint label looks for the plugin.
  if (absl::Status installed = InstallCheckpointPlugin(options_.checkpoint); !installed.ok()) {
    spdlog::error("CRIU CUDA plugin not installed: {}", installed);
    return ExitCode(installed);
  }
  if (options_.cdi_spec) {
    cdi_ = plugin::CdiSpecWriter::ForNode(options_.plugin.plugin.cdi_spec_dir,
                                          options_.plugin.cdi_extras);
    cdi_options_ = plugin::ToCdiSpecOptions(*config);
  }
  if (options_.feature_discovery) {
    LabelLoopOptions loop{options_.plugin.flags, options_.node_feature, choice_, {}};
    loop.extra_labels = [label = std::make_shared<CheckpointLabel>(options_.checkpoint)] {
      return label->Labels();
    };
    absl::StatusOr<std::unique_ptr<LabelLoop>> labels =
        LabelLoop::Start(env_, std::move(loop), source_.get());
    if (!labels.ok()) {
      spdlog::error("{}", labels.status());
      return ExitCode(labels.status());
    }
    labels_ = *std::move(labels);
  }
  if (!options_.device_plugin) return std::nullopt;
  PluginPartOptions plugin = options_.plugin;
  plugin.config_override = choice_;
  plugin.on_inventory = [this](std::shared_ptr<const inventory::Inventory> inventory) {
    OnInventory(inventory, false);
  };
  plugin.on_reload = [this](const Config& running) {
    if (labels_ != nullptr) labels_->Reload();
    cdi_options_ = plugin::ToCdiSpecOptions(running);
    last_inventory_.clear();  // the next build rewrites the spec with the new options
  };
  // After the plugin's sockets are gone: the selection, the labels, NVML.
  plugin.on_stopped = [this] { StopParts(); };
  absl::StatusOr<std::unique_ptr<PluginPart>> part =
      PluginPart::Create(env_, std::move(plugin), *std::move(config), source_.get());
  if (!part.ok()) {
    spdlog::error("{}", part.status());
    return ExitCode(part.status());
  }
  plugin_ = *std::move(part);
  return std::nullopt;
}

void Agent::StopParts() {
  if (watch_ != nullptr) watch_->Stop();
  if (switcher_ != nullptr) switcher_->Stop();
  if (labels_ != nullptr) labels_->Stop();
  source_.reset();
}

int Agent::RunWithoutPlugin(SignalWatcher* signals) {
  std::chrono::milliseconds interval = options_.plugin.plugin.rescan_interval;
  if (interval.count() == 0) interval = std::chrono::hours(24 * 365);
  bool force = true;
  while (true) {
    if (source_ != nullptr) {
      absl::StatusOr<std::shared_ptr<const inventory::Inventory>> inventory = source_->Snapshot();
      if (inventory.ok()) {
        OnInventory(*inventory, force);
      } else {
        spdlog::error("Inventory not refreshed: {}", inventory.status());
      }
    }
    absl::StatusOr<std::optional<int>> signal = signals->Wait(interval);
    if (!signal.ok()) {
      spdlog::error("{}", signal.status());
      return kFailed;
    }
    force = cdi_stale_.exchange(false);
    if (*signal == SIGHUP) {
      spdlog::info("SIGHUP: reloading the configuration");
      if (labels_ != nullptr) labels_->Reload();
      force = true;
    } else if (signal->has_value()) {
      return 0;
    }
    if (force && cdi_ != nullptr) RefreshCdiOptions();
  }
}

int Agent::Run(SignalWatcher* signals) {
  if (watch_ != nullptr) watch_->Start();
  if (switcher_ != nullptr) switcher_->Start();
  spdlog::info("gpulet node: device plugin {}, feature discovery {}, CDI spec {}",
               options_.device_plugin ? "on" : "off", options_.feature_discovery ? "on" : "off",
               options_.cdi_spec ? cdi_->path() : "off");
  if (plugin_ == nullptr) {
    int code = RunWithoutPlugin(signals);
    StopParts();
    return code;
  }
  absl::Status status = plugin_->Run(signals);
  if (!status.ok()) spdlog::error("{}", status);
  return status.ok() ? 0 : kFailed;
}

}  // namespace

int RunNodeAgent(const Environment* env, NodeAgentOptions options, SignalWatcher* signals) {
  if (!options.device_plugin && !options.feature_discovery && !options.cdi_spec) {
    spdlog::error("gpulet node: every part is off (--device-plugin, --feature-discovery, "
                  "--cdi-spec); nothing to run");
    return kBadSettings;
  }
  Agent agent(env, std::move(options));
  if (std::optional<int> code = agent.Build()) return *code;
  return agent.Run(signals);
}

}  // namespace gpulet::node

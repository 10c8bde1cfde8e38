#include "cli/device_plugin_flags.h"

#include "absl/strings/str_cat.h"
#include "base/duration.h"
#include "config/go_values.h"

namespace gpulet::cli {
namespace {

// A Go duration ("30s", "5m"); "0" is zero; "" (not given) is nullopt.
absl::StatusOr<std::optional<std::chrono::milliseconds>> ParseInterval(const char* flag,
                                                                       const std::string& text) {
  if (text.empty()) return std::nullopt;
  if (text == "0") return std::chrono::milliseconds(0);
  absl::StatusOr<std::chrono::nanoseconds> parsed = ParseGoDuration(text);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": \"", text, "\": ", parsed.status().message()));
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(*parsed);
}

}  // namespace

void DevicePluginFlagSet::String(CLI::App& app, const std::string& names,
                                 std::optional<std::string> ConfigFlags::*field,
                                 const std::string& help) {
  strings_.push_back(std::make_unique<std::string>());
  std::string* value = strings_.back().get();
  CLI::Option* option = app.add_option(names, *value, help);
  copy_.push_back([option, value, field](ConfigFlags& flags) {
    if (option->count() > 0) flags.*field = *value;
  });
}

void DevicePluginFlagSet::Bool(CLI::App& app, const std::string& names,
                               std::optional<bool> ConfigFlags::*field, const std::string& help) {
  bools_.push_back(std::make_unique<bool>(false));
  bool* value = bools_.back().get();
  CLI::Option* option = app.add_flag(names, *value, help);
  copy_.push_back([option, value, field](ConfigFlags& flags) {
    if (option->count() > 0) flags.*field = *value;
  });
}

void DevicePluginFlagSet::List(CLI::App& app, const std::string& names,
                               std::optional<std::vector<std::string>> ConfigFlags::*field,
                               const std::string& help) {
  lists_.push_back(std::make_unique<std::vector<std::string>>());
  std::vector<std::string>* value = lists_.back().get();
  CLI::Option* option = app.add_option(names, *value, help)->delimiter(',');
  copy_.push_back([option, value, field](ConfigFlags& flags) {
    if (option->count() > 0) flags.*field = *value;
  });
}

DevicePluginFlagSet::DevicePluginFlagSet(CLI::App& app) : node_(app) {
  String(app, "--config-file", &ConfigFlags::config_file, "config file, YAML or JSON (env CONFIG_FILE)");
  String(app, "--mig-strategy", &ConfigFlags::mig_strategy,
         "none, single or mixed (env MIG_STRATEGY)");
  Bool(app, "--fail-on-init-error", &ConfigFlags::fail_on_init_error,
       "exit when NVML cannot be initialised; false: serve nothing (env FAIL_ON_INIT_ERROR)");
  String(app, "--mps-root", &ConfigFlags::mps_root, "MPS root on the host (env MPS_ROOT)");
  Bool(app, "--pass-device-specs", &ConfigFlags::pass_device_specs,
       "return device specs in Allocate (env PASS_DEVICE_SPECS)");
  List(app, "--device-list-strategy", &ConfigFlags::device_list_strategy,
       "envvar, volume-mounts, cdi-annotations, cdi-cri (env DEVICE_LIST_STRATEGY)");
  String(app, "--device-id-strategy", &ConfigFlags::device_id_strategy,
         "uuid or index (env DEVICE_ID_STRATEGY)");
  Bool(app, "--gdrcopy-enabled", &ConfigFlags::gdrcopy_enabled, "(env GDRCOPY_ENABLED)");
  Bool(app, "--gds-enabled", &ConfigFlags::gds_enabled, "(env GDS_ENABLED)");
  Bool(app, "--mofed-enabled", &ConfigFlags::mofed_enabled, "(env MOFED_ENABLED)");
  String(app, "--cdi-annotation-prefix", &ConfigFlags::cdi_annotation_prefix,
         "(env CDI_ANNOTATION_PREFIX)");
  String(app, "--nvidia-cdi-hook-path,--nvidia-ctk-path", &ConfigFlags::nvidia_ctk_path,
         "(env NVIDIA_CDI_HOOK_PATH, NVIDIA_CTK_PATH)");
  List(app, "--cdi-feature-flags", &ConfigFlags::cdi_feature_flags,
       "feature flags for the plugin's CDI spec, e.g. no-additional-gids-for-device-nodes "
       "(env CDI_FEATURE_FLAGS)");
  List(app, "--cdi-disable-hooks", &ConfigFlags::cdi_disable_hooks,
       "hooks to leave out of the plugin's CDI spec; all for every hook (env CDI_DISABLE_HOOKS)");
  String(app, "--shared-devices-allocation-policy", &ConfigFlags::shared_devices_allocation_policy,
         "distributed or packed (env SHARED_DEVICES_ALLOCATION_POLICY)");
  String(app, "--device-discovery-strategy", &ConfigFlags::device_discovery_strategy,
         "auto, nvml or tegra (env DEVICE_DISCOVERY_STRATEGY)");
  imex_option_ = app.add_option("--imex-channel-ids", imex_channel_ids_,
                                "[] or [0] (env IMEX_CHANNEL_IDS)")->delimiter(',');
  Bool(app, "--imex-required", &ConfigFlags::imex_required, "(env IMEX_REQUIRED)");
  kubelet_socket_option_ = app.add_option(
      "--kubelet-socket", kubelet_socket_,
      "kubelet.sock path; our sockets go in its directory; empty: do not register "
      "(env KUBELET_SOCKET)");
  metrics_address_option_ = app.add_option(
      "--metrics-address", metrics_address_,
      "host:port for /metrics and /healthz; empty: off (env GPULET_METRICS_ADDRESS)");
  rescan_interval_option_ = app.add_option(
      "--rescan-interval", rescan_interval_,
      "how often to look for a new MIG layout, e.g. 30s; 0: never (env GPULET_RESCAN_INTERVAL)");
  recovery_window_option_ = app.add_option(
      "--health-recovery-window", recovery_window_,
      "how long a faulty device must stay quiet and answer NVML before it is healthy "
      "again, e.g. 5m; 0: never, as NVIDIA (env GPULET_HEALTH_RECOVERY_WINDOW)");
  cdi_spec_dir_option_ = app.add_option(
      "--cdi-spec-dir", cdi_spec_dir_,
      "where the CDI spec of a cdi-* device list strategy is written "
      "(env GPULET_CDI_SPEC_DIR; default /var/run/cdi)");
  scheduler_handoff_option_ = app.add_flag(
      "--scheduler-handoff", scheduler_handoff_,
      "serve the placements of gpulet's scheduler extender; needs NODE_NAME and Kubernetes "
      "access (env GPULET_SCHEDULER_HANDOFF; default false)");
  kubeconfig_option_ = app.add_option(
      "--kubeconfig", kubeconfig_,
      "kubeconfig for --scheduler-handoff (default $KUBECONFIG, then in-cluster)");
}

ConfigFlags DevicePluginFlagSet::Parsed() const {
  ConfigFlags flags;
  flags.node = node_.Parsed();
  for (const auto& copy : copy_) copy(flags);
  if (imex_option_->count() > 0) flags.imex_channel_ids = imex_channel_ids_;
  return flags;
}

absl::StatusOr<DevicePluginOptions> DevicePluginFlagSet::ResolveOnly(
    const Environment& env) const {
  DevicePluginOptions out;
  auto pick = [&](CLI::Option* option, const std::string& flag, const char* var,
                  std::string& target) {
    if (option->count() > 0) {
      target = flag;
    } else if (std::optional<std::string> value = env.Get(var)) {
      target = *value;
    }
  };
  pick(kubelet_socket_option_, kubelet_socket_, "KUBELET_SOCKET", out.kubelet_socket);
  pick(metrics_address_option_, metrics_address_, "GPULET_METRICS_ADDRESS", out.metrics_address);
  pick(cdi_spec_dir_option_, cdi_spec_dir_, "GPULET_CDI_SPEC_DIR", out.cdi_spec_dir);
  if (out.cdi_spec_dir.empty() || out.cdi_spec_dir.front() != '/') {
    return absl::InvalidArgumentError(
        absl::StrCat("--cdi-spec-dir: \"", out.cdi_spec_dir, "\" is not an absolute path"));
  }
  if (scheduler_handoff_option_->count() > 0) {
    out.scheduler_handoff = scheduler_handoff_;
  } else if (std::optional<std::string> value = env.Get("GPULET_SCHEDULER_HANDOFF")) {
    absl::StatusOr<bool> parsed = ParseGoBool(*value);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("env GPULET_SCHEDULER_HANDOFF: \"", *value, "\" is not a boolean"));
    }
    out.scheduler_handoff = *parsed;
  }
  if (kubeconfig_option_->count() > 0) out.kubeconfig = kubeconfig_;
  std::string rescan, recovery;
  pick(rescan_interval_option_, rescan_interval_, "GPULET_RESCAN_INTERVAL", rescan);
  pick(recovery_window_option_, recovery_window_, "GPULET_HEALTH_RECOVERY_WINDOW", recovery);
  absl::StatusOr<std::optional<std::chrono::milliseconds>> interval =
      ParseInterval("--rescan-interval", rescan);
  if (!interval.ok()) return interval.status();
  if (*interval) out.rescan_interval = **interval;
  absl::StatusOr<std::optional<std::chrono::milliseconds>> window =
      ParseInterval("--health-recovery-window", recovery);
  if (!window.ok()) return window.status();
  if (*window) {
    out.recovery_window = **window;
    if (**window == std::chrono::milliseconds(0)) out.recovery_window.reset();
  }
  return out;
}

}  // namespace gpulet::cli

#include "cli/node_agent_flags.h"

#include "absl/strings/str_cat.h"
#include "cli/flag_or_env.h"
#include "config/go_values.h"

namespace gpulet::cli {
namespace {

// A part's switch: the flag, else the variable, else on.
absl::StatusOr<bool> PartSwitch(const CLI::Option* option, const std::string& flag_value,
                                const Environment& env, const char* variable, bool fallback) {
  std::string text;
  std::string source;
  if (option->count() > 0) {
    text = flag_value.empty() ? "true" : flag_value;
    source = absl::StrCat("--", option->get_single_name());
  } else if (std::optional<std::string> value = env.Get(variable); value && !value->empty()) {
    text = *value;
    source = absl::StrCat("env ", variable);
  } else {
    return fallback;
  }
  absl::StatusOr<bool> parsed = ParseGoBool(text);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": \"", text, "\" is not a boolean (true or false)"));
  }
  return *parsed;
}

}  // namespace

NodeAgentFlagSet::NodeAgentFlagSet(CLI::App& app)
    : plugin_(app), gfd_(app, GfdFlagSet::Scope::kOutputOnly), checkpoint_label_(app) {
  // expected(0, 1): "--device-plugin" alone means true, "--device-plugin=false" off.
  device_plugin_option_ =
      app.add_option("--device-plugin", device_plugin_,
                     "run the kubelet device plugin (env GPULET_DEVICE_PLUGIN; default true)")
          ->expected(0, 1);
  feature_discovery_option_ =
      app.add_option("--feature-discovery", feature_discovery_,
                     "label the node for NFD (env GPULET_FEATURE_DISCOVERY; default true)")
          ->expected(0, 1);
  cdi_spec_option_ =
      app.add_option("--cdi-spec", cdi_spec_,
                     "keep <cdi-spec-dir>/nvidia.yaml, the nvidia.com/gpu CDI spec "
                     "(env GPULET_CDI_SPEC; default false)")
          ->expected(0, 1);
  srcdir_option_ = app.add_option(
      "--config-file-srcdir", srcdir_,
      "directory of named configs (a mounted ConfigMap); the node label picks one "
      "(env CONFIG_FILE_SRCDIR)");
  label_option_ = app.add_option("--node-label", label_,
                                 "the node label naming the config (env NODE_LABEL; default "
                                 "nvidia.com/device-plugin.config)");
  default_config_option_ = app.add_option(
      "--default-config", default_config_,
      "config used when the node has no label (env DEFAULT_CONFIG)");
  fallbacks_option_ =
      app.add_option("--fallback-strategies", fallbacks_,
                     "without label or default: named, single, empty, in order "
                     "(env FALLBACK_STRATEGIES; default named,single)")
          ->delimiter(',');
  install_criu_plugin_option_ =
      app.add_option("--install-criu-plugin", install_criu_plugin_,
                     "copy the CRIU CUDA plugin into the host's CRIU plugin directory at start "
                     "(env GPULET_INSTALL_CRIU_PLUGIN; default false)")
          ->expected(0, 1);
  criu_plugin_option_ = app.add_option(
      "--criu-plugin", criu_plugin_,
      "the plugin to install, in gpulet's image (env GPULET_CRIU_PLUGIN; default "
      "/usr/lib/gpulet/criu/cuda_plugin.so)");
}

absl::StatusOr<node::NodeCheckpointOptions> NodeAgentFlagSet::ResolveCheckpoint(
    const Environment& env) const {
  node::NodeCheckpointOptions out;
  absl::StatusOr<bool> install = PartSwitch(install_criu_plugin_option_, install_criu_plugin_,
                                            env, "GPULET_INSTALL_CRIU_PLUGIN", false);
  if (!install.ok()) return install.status();
  out.install_plugin = *install;
  out.plugin.source =
      FlagOrEnv(criu_plugin_option_, criu_plugin_, env, "GPULET_CRIU_PLUGIN", out.plugin.source);
  checkpoint_label_.ResolveInto(env, out);
  return out;
}

absl::StatusOr<node::NodeAgentOptions> NodeAgentFlagSet::Resolve(const Environment& env) const {
  node::NodeAgentOptions out;
  absl::StatusOr<bool> on = PartSwitch(device_plugin_option_, device_plugin_, env,
                                       "GPULET_DEVICE_PLUGIN", true);
  if (!on.ok()) return on.status();
  out.device_plugin = *on;
  on = PartSwitch(feature_discovery_option_, feature_discovery_, env, "GPULET_FEATURE_DISCOVERY",
                  true);
  if (!on.ok()) return on.status();
  out.feature_discovery = *on;
  on = PartSwitch(cdi_spec_option_, cdi_spec_, env, "GPULET_CDI_SPEC", false);
  if (!on.ok()) return on.status();
  out.cdi_spec = *on;

  out.plugin.flags = plugin_.Parsed();
  gfd_.AddTo(out.plugin.flags);
  absl::StatusOr<DevicePluginOptions> plugin = plugin_.ResolveOnly(env);
  if (!plugin.ok()) return plugin.status();
  out.plugin.plugin = *std::move(plugin);
  out.node_feature = gfd_.Settings(env, out.plugin.plugin.kubeconfig);
  absl::StatusOr<node::NodeCheckpointOptions> checkpoint = ResolveCheckpoint(env);
  if (!checkpoint.ok()) return checkpoint.status();
  out.checkpoint = *std::move(checkpoint);

  std::string srcdir = FlagOrEnv(srcdir_option_, srcdir_, env, "CONFIG_FILE_SRCDIR", "");
  out.config_label =
      FlagOrEnv(label_option_, label_, env, "NODE_LABEL", node::kDefaultConfigLabel);
  if (srcdir.empty()) return out;
  node::ConfigSelectionOptions selection;
  selection.source_dir = srcdir;
  selection.default_config =
      FlagOrEnv(default_config_option_, default_config_, env, "DEFAULT_CONFIG", "");
  std::vector<std::string> fallbacks = fallbacks_;
  if (fallbacks_option_->count() == 0) {
    std::optional<std::string> value = env.Get("FALLBACK_STRATEGIES");
    fallbacks = value.has_value() ? SplitSliceItems(*value, ",")
                                  : std::vector<std::string>{"named", "single"};
  }
  absl::StatusOr<std::vector<node::FallbackStrategy>> parsed =
      node::ParseFallbackStrategies(fallbacks);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--fallback-strategies: ", parsed.status().message()));
  }
  selection.fallbacks = *std::move(parsed);
  out.selection = std::move(selection);
  return out;
}

}  // namespace gpulet::cli

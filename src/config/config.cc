#include "config/config.h"

#include <functional>
#include <initializer_list>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "config/go_values.h"

namespace gpulet {
namespace {

template <typename T>
using Parser = std::function<absl::StatusOr<T>(std::string_view)>;

// A vector, not an initializer_list: a conditional picks between two lists,
// and an initializer_list's array would not outlive that expression.
using EnvNames = std::vector<std::string_view>;

absl::StatusOr<std::string> ParseString(std::string_view text) {
  return std::string(text);
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> items;
  for (absl::string_view item :
       absl::StrSplit(absl::string_view(text.data(), text.size()), ',',
                      absl::SkipWhitespace())) {
    items.emplace_back(item);
  }
  return items;
}

// A urfave/cli string slice of names, split only at ',' (a MIG id "0:1"
// is one name).
absl::StatusOr<std::vector<std::string>> ParseNameList(std::string_view text) {
  return SplitSliceItems(text, ",");
}

absl::StatusOr<std::vector<DeviceListStrategy>> ParseStrategyList(
    const std::vector<std::string>& names) {
  std::vector<DeviceListStrategy> strategies;
  for (const std::string& name : names) {
    ASSIGN_OR_RETURN(DeviceListStrategy strategy, ParseDeviceListStrategy(name));
    strategies.push_back(strategy);
  }
  return strategies;
}

absl::StatusOr<std::vector<DeviceListStrategy>> ParseStrategyText(std::string_view text) {
  return ParseStrategyList(SplitList(text));
}

absl::StatusOr<std::vector<int>> ParseChannelIds(std::string_view text) {
  std::vector<int> ids;
  for (const std::string& item : SplitList(text)) {
    int id = 0;
    if (!absl::SimpleAtoi(item, &id)) {
      return absl::InvalidArgumentError("expected channel ids, got \"" + item + "\"");
    }
    ids.push_back(id);
  }
  return ids;
}

// Merges one setting: flag > first env var set > config file > default.
class Merger {
 public:
  Merger(const Environment& env, ConfigUser user) : env_(env), user_(user) {}

  bool gfd() const { return user_ == ConfigUser::kFeatureDiscovery; }

  // `flag` is either already a T or text that `parse` turns into one.
  template <typename T, typename FlagT>
  absl::StatusOr<T> Pick(const std::optional<FlagT>& flag, std::string_view flag_name,
                         EnvNames env_names, const Parser<T>& parse,
                         const std::optional<T>& file, T fallback) const {
    if (flag.has_value()) {
      if constexpr (std::is_same_v<FlagT, T>) {
        return *flag;
      } else {
        return Annotate(parse(*flag), flag_name);
      }
    }
    for (std::string_view name : env_names) {
      if (std::optional<std::string> value = env_.Get(name)) {
        return Annotate(parse(*value), "env " + std::string(name));
      }
    }
    return file.has_value() ? *file : std::move(fallback);
  }

 private:
  template <typename T>
  static absl::StatusOr<T> Annotate(absl::StatusOr<T> value, std::string_view source) {
    if (value.ok()) return value;
    return absl::InvalidArgumentError(std::string(source) + ": " +
                                      std::string(value.status().message()));
  }

  const Environment& env_;
  ConfigUser user_;
};

absl::Status ResolveCommon(const ConfigFlags& flags, const FileFlags& file,
                           const Merger& m, Config& c) {
  EnvNames mig_env = m.gfd() ? EnvNames{"GFD_MIG_STRATEGY", "MIG_STRATEGY"}
                             : EnvNames{"MIG_STRATEGY"};
  ASSIGN_OR_RETURN(c.mig_strategy,
                   m.Pick<MigStrategy>(flags.mig_strategy, "--mig-strategy", mig_env,
                                       ParseMigStrategy, file.mig_strategy,
                                       MigStrategy::kNone));
  EnvNames fail_env = m.gfd()
                          ? EnvNames{"GFD_FAIL_ON_INIT_ERROR", "FAIL_ON_INIT_ERROR"}
                          : EnvNames{"FAIL_ON_INIT_ERROR"};
  ASSIGN_OR_RETURN(c.fail_on_init_error,
                   m.Pick<bool>(flags.fail_on_init_error, "--fail-on-init-error",
                                fail_env, ParseGoBool, file.fail_on_init_error, true));
  ASSIGN_OR_RETURN(c.mps_root,
                   m.Pick<std::string>(flags.mps_root, "--mps-root", {"MPS_ROOT"},
                                       ParseString, file.mps_root, ""));
  ASSIGN_OR_RETURN(c.gdrcopy_enabled,
                   m.Pick<bool>(flags.gdrcopy_enabled, "--gdrcopy-enabled",
                                {"GDRCOPY_ENABLED"}, ParseGoBool, file.gdrcopy_enabled,
                                false));
  ASSIGN_OR_RETURN(c.gds_enabled,
                   m.Pick<bool>(flags.gds_enabled, "--gds-enabled", {"GDS_ENABLED"},
                                ParseGoBool, file.gds_enabled, false));
  ASSIGN_OR_RETURN(c.mofed_enabled,
                   m.Pick<bool>(flags.mofed_enabled, "--mofed-enabled",
                                {"MOFED_ENABLED"}, ParseGoBool, file.mofed_enabled,
                                false));
  ASSIGN_OR_RETURN(c.device_discovery_strategy,
                   m.Pick<DeviceDiscoveryStrategy>(
                       flags.device_discovery_strategy, "--device-discovery-strategy",
                       {"DEVICE_DISCOVERY_STRATEGY"}, ParseDeviceDiscoveryStrategy,
                       file.device_discovery_strategy, DeviceDiscoveryStrategy::kAuto));
  return absl::OkStatus();
}

std::optional<std::string> JoinList(const std::optional<std::vector<std::string>>& list) {
  if (!list.has_value()) return std::nullopt;
  std::string text;
  for (const std::string& item : *list) text += (text.empty() ? "" : ",") + item;
  return text;
}

absl::Status ResolvePlugin(const ConfigFlags& flags, const PluginFileFlags& file,
                           const Merger& m, PluginConfig& p) {
  ASSIGN_OR_RETURN(p.pass_device_specs,
                   m.Pick<bool>(flags.pass_device_specs, "--pass-device-specs",
                                {"PASS_DEVICE_SPECS"}, ParseGoBool,
                                file.pass_device_specs, false));
  ASSIGN_OR_RETURN(p.device_list_strategies,
                   m.Pick<std::vector<DeviceListStrategy>>(
                       JoinList(flags.device_list_strategy), "--device-list-strategy",
                       {"DEVICE_LIST_STRATEGY"}, ParseStrategyText,
                       file.device_list_strategy, {DeviceListStrategy::kEnvVar}));
  ASSIGN_OR_RETURN(p.device_id_strategy,
                   m.Pick<DeviceIdStrategy>(flags.device_id_strategy,
                                            "--device-id-strategy",
                                            {"DEVICE_ID_STRATEGY"}, ParseDeviceIdStrategy,
                                            file.device_id_strategy,
                                            DeviceIdStrategy::kUuid));
  ASSIGN_OR_RETURN(p.cdi_annotation_prefix,
                   m.Pick<std::string>(flags.cdi_annotation_prefix,
                                       "--cdi-annotation-prefix",
                                       {"CDI_ANNOTATION_PREFIX"}, ParseString,
                                       file.cdi_annotation_prefix, "cdi.k8s.io/"));
  ASSIGN_OR_RETURN(p.nvidia_ctk_path,
                   m.Pick<std::string>(flags.nvidia_ctk_path, "--nvidia-cdi-hook-path",
                                       {"NVIDIA_CDI_HOOK_PATH", "NVIDIA_CTK_PATH"},
                                       ParseString, file.nvidia_ctk_path,
                                       "/usr/bin/nvidia-ctk"));
  using Names = std::vector<std::string>;
  ASSIGN_OR_RETURN(p.cdi_feature_flags,
                   m.Pick<Names>(JoinList(flags.cdi_feature_flags), "--cdi-feature-flags",
                                 {"CDI_FEATURE_FLAGS"}, ParseNameList, std::optional<Names>(),
                                 {}));
  ASSIGN_OR_RETURN(p.cdi_disable_hooks,
                   m.Pick<Names>(JoinList(flags.cdi_disable_hooks), "--cdi-disable-hooks",
                                 {"CDI_DISABLE_HOOKS"}, ParseNameList, std::optional<Names>(),
                                 {}));
  ASSIGN_OR_RETURN(p.shared_devices_allocation_policy,
                   m.Pick<AllocationPolicy>(
                       flags.shared_devices_allocation_policy,
                       "--shared-devices-allocation-policy",
                       {"SHARED_DEVICES_ALLOCATION_POLICY"}, ParseAllocationPolicy,
                       file.shared_devices_allocation_policy,
                       AllocationPolicy::kDistributed));
  ASSIGN_OR_RETURN(p.node_name,
                   m.Pick<std::string>(std::optional<std::string>(), "", {"NODE_NAME"},
                                       ParseString, std::optional<std::string>(), ""));
  return absl::OkStatus();
}

absl::Status ResolveGfd(const ConfigFlags& flags, const GfdFileFlags& file,
                        std::optional<bool> file_use_nfd_api, const Merger& m,
                        GfdConfig& g) {
  ASSIGN_OR_RETURN(g.oneshot, m.Pick<bool>(flags.oneshot, "--oneshot", {"GFD_ONESHOT"},
                                           ParseGoBool, file.oneshot, false));
  ASSIGN_OR_RETURN(g.no_timestamp,
                   m.Pick<bool>(flags.no_timestamp, "--no-timestamp",
                                {"GFD_NO_TIMESTAMP"}, ParseGoBool, file.no_timestamp,
                                false));
  ASSIGN_OR_RETURN(g.sleep_interval,
                   m.Pick<std::chrono::nanoseconds>(
                       flags.sleep_interval, "--sleep-interval", {"GFD_SLEEP_INTERVAL"},
                       ParseSleepInterval, file.sleep_interval,
                       std::chrono::seconds(60)));
  ASSIGN_OR_RETURN(g.output_file,
                   m.Pick<std::string>(flags.output_file, "--output-file",
                                       {"GFD_OUTPUT_FILE"}, ParseString,
                                       file.output_file, kDefaultLabelFile));
  ASSIGN_OR_RETURN(g.machine_type_file,
                   m.Pick<std::string>(flags.machine_type_file, "--machine-type-file",
                                       {"GFD_MACHINE_TYPE_FILE"}, ParseString,
                                       file.machine_type_file, kDefaultMachineTypeFile));
  ASSIGN_OR_RETURN(g.use_node_feature_api,
                   m.Pick<bool>(flags.use_node_feature_api, "--use-node-feature-api",
                                {"GFD_USE_NODE_FEATURE_API", "USE_NODE_FEATURE_API"},
                                ParseGoBool, file_use_nfd_api, false));
  return absl::OkStatus();
}

absl::Status ResolveImex(const ConfigFlags& flags, const ImexConfig& file,
                         const Merger& m, ImexConfig& imex) {
  ASSIGN_OR_RETURN(imex.channel_ids,
                   m.Pick<std::vector<int>>(flags.imex_channel_ids, "--imex-channel-ids",
                                            {"IMEX_CHANNEL_IDS"}, ParseChannelIds,
                                            std::optional<std::vector<int>>(
                                                file.channel_ids),
                                            {}));
  if (imex.channel_ids.size() > 1 || (imex.channel_ids.size() == 1 &&
                                      imex.channel_ids[0] != 0)) {
    return absl::InvalidArgumentError(
        "imex channel ids: only [] or [0] is supported, got " +
        std::to_string(imex.channel_ids.size()) + " ids starting with " +
        std::to_string(imex.channel_ids[0]));
  }
  ASSIGN_OR_RETURN(imex.required,
                   m.Pick<bool>(flags.imex_required, "--imex-required",
                                {"IMEX_REQUIRED"}, ParseGoBool,
                                std::optional<bool>(file.required), false));
  return absl::OkStatus();
}

// The checks NVIDIA's main() makes once everything is merged.
absl::Status Validate(const Config& c, ConfigUser user) {
  bool mps = c.sharing.Strategy() == SharingStrategy::kMps;
  if (mps && c.mig_strategy == MigStrategy::kMixed) {
    return absl::InvalidArgumentError(
        "sharing.mps: MPS sharing is not supported with migStrategy \"mixed\"");
  }
  if (user != ConfigUser::kDevicePlugin) return absl::OkStatus();
  if (mps && c.mps_root.empty()) {
    return absl::InvalidArgumentError(
        "sharing.mps: MPS sharing needs an MPS root (--mps-root, env MPS_ROOT or "
        "flags.mpsRoot)");
  }
  for (DeviceListStrategy s : c.plugin.device_list_strategies) {
    bool cdi = s == DeviceListStrategy::kCdiAnnotations || s == DeviceListStrategy::kCdiCri;
    if (cdi && c.device_discovery_strategy == DeviceDiscoveryStrategy::kTegra) {
      return absl::InvalidArgumentError(
          "device list strategy \"" + std::string(ToString(s)) +
          "\" needs NVML, but the device discovery strategy is \"tegra\"");
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::optional<std::string> ConfigFilePath(const ConfigFlags& flags,
                                          const Environment& env, ConfigUser user) {
  std::optional<std::string> path = flags.config_file;
  if (!path.has_value() && user == ConfigUser::kFeatureDiscovery) {
    path = env.Get("GFD_CONFIG_FILE");
  }
  if (!path.has_value()) path = env.Get("CONFIG_FILE");
  if (path.has_value() && path->empty()) return std::nullopt;
  return path;
}

absl::StatusOr<Config> ResolveConfig(const ConfigFlags& flags, const Environment& env,
                                     const ConfigFile* file, ConfigUser user) {
  static const ConfigFile kNoFile;
  const ConfigFile& f = file != nullptr ? *file : kNoFile;
  Merger m(env, user);
  Config c;
  c.config_file = f.file_name;
  c.warnings = f.warnings;
  RETURN_IF_ERROR(ResolveCommon(flags, f.flags, m, c));
  NodeFlags file_roots;
  file_roots.driver_root = f.flags.nvidia_driver_root;
  file_roots.dev_root = f.flags.nvidia_dev_root;
  file_roots.driver_root_ctr_path = f.flags.plugin.container_driver_root;
  ASSIGN_OR_RETURN(c.node, ResolveNodeOptions(flags.node, env, file_roots));
  RETURN_IF_ERROR(ResolvePlugin(flags, f.flags.plugin, m, c.plugin));
  RETURN_IF_ERROR(ResolveGfd(flags, f.flags.gfd, f.flags.use_node_feature_api, m, c.gfd));
  RETURN_IF_ERROR(ResolveImex(flags, f.imex, m, c.imex));
  c.sharing = f.sharing;
  FinalizeSharing(c.sharing, &c.warnings);
  RETURN_IF_ERROR(Validate(c, user));
  return c;
}

absl::StatusOr<Config> LoadConfig(const ConfigFlags& flags, const Environment& env,
                                  ConfigUser user) {
  std::optional<std::string> path = ConfigFilePath(flags, env, user);
  if (!path.has_value()) return ResolveConfig(flags, env, nullptr, user);
  ASSIGN_OR_RETURN(ConfigFile file, LoadConfigFile(*path));
  return ResolveConfig(flags, env, &file, user);
}

}  // namespace gpulet

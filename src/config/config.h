// Config: the one immutable, validated configuration of a gpulet node
// process (device plugin or feature discovery), merged once from command
// line flags > environment variables > config file > defaults, with
// NVIDIA's names for all three (reference device-plugin.md §1, §2, §11.1).
//
// Every field has its final value here: no optional left to resolve and no
// env var read later. Build with LoadConfig (reads the file) or
// ResolveConfig (pure, for tests); share as std::shared_ptr<const Config>.
// Plain values; thread-safe to read.
//
// Example:
//   ConfigFlags flags;  // filled by cli/ from the flags that were given
//   ASSIGN_OR_RETURN(Config config,
//                    LoadConfig(flags, env, ConfigUser::kFeatureDiscovery));
//   for (const std::string& w : config.warnings) spdlog::warn("{}", w);
#ifndef GPULET_CONFIG_CONFIG_H_
#define GPULET_CONFIG_CONFIG_H_

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "config/config_file.h"
#include "config/environment.h"
#include "config/node_options.h"
#include "config/sharing.h"
#include "config/strategies.h"

namespace gpulet {

// Which program reads the config: NVIDIA's two binaries read different env
// var names (GFD also reads GFD_*) and check different things (only the
// plugin needs mpsRoot).
enum class ConfigUser { kDevicePlugin, kFeatureDiscovery };

// Values given on the command line; unset when the flag was not given.
// Choices and durations are kept as text and checked by the merge, so a bad
// flag gets the same message as a bad env var.
struct ConfigFlags {
  NodeFlags node;
  std::optional<std::string> config_file;            // --config-file
  std::optional<std::string> mig_strategy;           // --mig-strategy
  std::optional<bool> fail_on_init_error;            // --fail-on-init-error
  std::optional<std::string> mps_root;               // --mps-root
  std::optional<bool> gdrcopy_enabled;               // --gdrcopy-enabled
  std::optional<bool> gds_enabled;                   // --gds-enabled
  std::optional<bool> mofed_enabled;                 // --mofed-enabled
  std::optional<std::string> device_discovery_strategy;
  // Plugin.
  std::optional<bool> pass_device_specs;
  std::optional<std::vector<std::string>> device_list_strategy;
  std::optional<std::string> device_id_strategy;
  std::optional<std::string> cdi_annotation_prefix;
  std::optional<std::string> nvidia_ctk_path;        // --nvidia-cdi-hook-path
  std::optional<std::vector<std::string>> cdi_feature_flags;  // --cdi-feature-flags
  std::optional<std::vector<std::string>> cdi_disable_hooks;  // --cdi-disable-hooks
  std::optional<std::string> shared_devices_allocation_policy;
  std::optional<std::vector<int>> imex_channel_ids;
  std::optional<bool> imex_required;
  // Feature discovery.
  std::optional<bool> oneshot;
  std::optional<bool> no_timestamp;
  std::optional<std::string> sleep_interval;         // Go duration or "infinite"
  std::optional<std::string> output_file;            // "" = stdout
  std::optional<std::string> machine_type_file;
  std::optional<bool> use_node_feature_api;
};

struct PluginConfig {
  bool pass_device_specs = false;
  std::vector<DeviceListStrategy> device_list_strategies = {DeviceListStrategy::kEnvVar};
  DeviceIdStrategy device_id_strategy = DeviceIdStrategy::kUuid;
  std::string cdi_annotation_prefix = "cdi.k8s.io/";
  std::string nvidia_ctk_path = "/usr/bin/nvidia-ctk";
  // What the plugin's CDI spec is generated with, as given (names are
  // checked by the generator, which warns about those it ignores). NVIDIA's
  // config file has no field for either: flag, then env, then empty.
  std::vector<std::string> cdi_feature_flags;
  std::vector<std::string> cdi_disable_hooks;
  AllocationPolicy shared_devices_allocation_policy = AllocationPolicy::kDistributed;
  // This node's name (env NODE_NAME, from the downward API); "" when unset.
  // The scheduler hand-off needs it to find its node and pods.
  std::string node_name;
};

inline constexpr char kDefaultLabelFile[] =
    "/etc/kubernetes/node-feature-discovery/features.d/gfd";
inline constexpr char kDefaultMachineTypeFile[] = "/sys/class/dmi/id/product_name";

struct GfdConfig {
  bool oneshot = false;
  bool no_timestamp = false;
  std::chrono::nanoseconds sleep_interval = std::chrono::seconds(60);  // or kSleepForever
  std::string output_file = kDefaultLabelFile;  // "" = stdout
  std::string machine_type_file = kDefaultMachineTypeFile;  // a host path
  // NVIDIA's default is true (a NodeFeature object); gpulet writes the
  // features.d file, which every NFD version reads, and keeps false.
  bool use_node_feature_api = false;
};

struct Config {
  std::string config_file;  // the file read; "" when none
  MigStrategy mig_strategy = MigStrategy::kNone;
  bool fail_on_init_error = true;
  NodeOptions node;
  std::string mps_root;  // "" when unset
  bool gdrcopy_enabled = false;
  bool gds_enabled = false;
  bool mofed_enabled = false;
  DeviceDiscoveryStrategy device_discovery_strategy = DeviceDiscoveryStrategy::kAuto;
  PluginConfig plugin;
  GfdConfig gfd;
  Sharing sharing;  // finalized (FinalizeSharing)
  ImexConfig imex;
  // Inputs accepted but ignored or overridden, one line each, to log.
  std::vector<std::string> warnings;
};

// The config file to read: --config-file, else the env var (GFD_CONFIG_FILE
// then CONFIG_FILE for feature discovery, CONFIG_FILE for the plugin);
// nullopt when none or empty.
std::optional<std::string> ConfigFilePath(const ConfigFlags& flags,
                                          const Environment& env, ConfigUser user);

// Merges `flags` > `env` > `file` (may be null) > defaults and validates the
// result. InvalidArgument naming the flag ("--mig-strategy"), variable
// ("env MIG_STRATEGY") or file field and quoting the value for: an unknown
// choice, a bad bool, a bad duration, a relative root, IMEX channels other
// than [] or [0], MPS sharing with the mixed MIG strategy, and for the
// plugin MPS without an MPS root or a CDI device list strategy with tegra
// discovery.
absl::StatusOr<Config> ResolveConfig(const ConfigFlags& flags, const Environment& env,
                                     const ConfigFile* file, ConfigUser user);

// ConfigFilePath + LoadConfigFile + ResolveConfig. Errors as those.
absl::StatusOr<Config> LoadConfig(const ConfigFlags& flags, const Environment& env,
                                  ConfigUser user);

}  // namespace gpulet

#endif  // GPULET_CONFIG_CONFIG_H_

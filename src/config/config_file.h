// ConfigFile: NVIDIA's device plugin / GFD config file `version: v1`, as
// written, before flags and env vars are merged over it (config.h).
//
// YAML or JSON (JSON is read as YAML), with NVIDIA's field names. Every
// field is optional: unset means "not in the file", so that the merge can
// tell a file value from a default. Unknown fields are accepted, as NVIDIA's
// parser accepts them, but each is reported in `warnings` with its line so a
// typo such as `migStategy` does not go unnoticed.
//
// Plain values; thread-safe to read.
#ifndef GPULET_CONFIG_CONFIG_FILE_H_
#define GPULET_CONFIG_CONFIG_FILE_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "config/sharing.h"
#include "config/strategies.h"

namespace gpulet {

// A sleep interval that never ends: GFD's `infinite`.
inline constexpr std::chrono::nanoseconds kSleepForever =
    std::chrono::nanoseconds::max();

// Parses GFD's sleep interval: a Go duration ("60s", "1m30s") or
// "infinite" (kSleepForever). InvalidArgument quoting `text` when it is
// neither or not positive.
absl::StatusOr<std::chrono::nanoseconds> ParseSleepInterval(std::string_view text);

// flags.plugin
struct PluginFileFlags {
  std::optional<bool> pass_device_specs;
  std::optional<std::vector<DeviceListStrategy>> device_list_strategy;
  std::optional<DeviceIdStrategy> device_id_strategy;
  std::optional<std::string> cdi_annotation_prefix;
  std::optional<std::string> nvidia_ctk_path;
  std::optional<std::string> container_driver_root;
  std::optional<AllocationPolicy> shared_devices_allocation_policy;
};

// flags.gfd
struct GfdFileFlags {
  std::optional<bool> oneshot;
  std::optional<bool> no_timestamp;
  // A duration string, a number of nanoseconds, or "infinite".
  std::optional<std::chrono::nanoseconds> sleep_interval;
  std::optional<std::string> output_file;
  std::optional<std::string> machine_type_file;
};

// flags
struct FileFlags {
  std::optional<MigStrategy> mig_strategy;
  std::optional<bool> fail_on_init_error;
  std::optional<std::string> mps_root;
  std::optional<std::string> nvidia_driver_root;
  std::optional<std::string> nvidia_dev_root;
  std::optional<bool> gdrcopy_enabled;
  std::optional<bool> gds_enabled;
  std::optional<bool> mofed_enabled;
  std::optional<bool> use_node_feature_api;
  std::optional<DeviceDiscoveryStrategy> device_discovery_strategy;
  PluginFileFlags plugin;
  GfdFileFlags gfd;
};

// resources.gpus[] / resources.mig[]: parsed and then ignored, as NVIDIA
// does (a warning says so).
struct ResourcePattern {
  std::string pattern;
  std::string name;
};

// imex
struct ImexConfig {
  std::vector<int> channel_ids;  // [] or [0]
  bool required = false;
};

struct ConfigFile {
  std::string file_name;  // as given to ParseConfigFile, for messages
  FileFlags flags;
  std::vector<ResourcePattern> gpu_resources;
  std::vector<ResourcePattern> mig_resources;
  Sharing sharing;  // names normalized, replicas checked; not finalized
  ImexConfig imex;
  // "<file>:<line>: <field>: ..." for each accepted-but-ignored input.
  std::vector<std::string> warnings;
};

// Parses `text`, the contents of the file `file_name` (used only in
// messages). An empty file or one holding only `version: v1` is valid and
// sets nothing.
//
// Errors are InvalidArgument with "<file>:<line>: <field>: " and the quoted
// value: broken YAML, a version other than v1, a wrong type (a string where
// a bool is expected, ...), an unknown strategy name, a bad duration,
// replicas < 2, an invalid or duplicate resource name, IMEX channel ids
// other than [] or [0].
absl::StatusOr<ConfigFile> ParseConfigFile(std::string_view text,
                                           std::string_view file_name);

// Reads and parses the file at `path`. NotFound or PermissionDenied naming
// the path when it cannot be read; otherwise as ParseConfigFile.
absl::StatusOr<ConfigFile> LoadConfigFile(const std::string& path);

}  // namespace gpulet

#endif  // GPULET_CONFIG_CONFIG_FILE_H_

// Config selection: which of the named configs mounted from a ConfigMap a
// node uses, decided from its `nvidia.com/device-plugin.config` label, as
// NVIDIA's config-manager decides it (reference device-plugin.md §3):
//
//   label set             the config of that name; an unknown name is an
//                         error (the running config stays)
//   label unset or empty  --default-config when given, else the first
//                         fallback strategy that applies: `named` (a config
//                         called "default"), `single` (the only config
//                         present), `empty` (no config file at all)
//
// Pure functions over a listing of the directory; ListConfigs() reads it.
// Thread-safe.
#ifndef GPULET_NODE_CONFIG_SELECTION_H_
#define GPULET_NODE_CONFIG_SELECTION_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace gpulet::node {

inline constexpr char kDefaultConfigLabel[] = "nvidia.com/device-plugin.config";

enum class FallbackStrategy { kNamed, kSingle, kEmpty };

// "named", "single", "empty", in order. InvalidArgument quoting an unknown one.
absl::StatusOr<std::vector<FallbackStrategy>> ParseFallbackStrategies(
    const std::vector<std::string>& names);

struct ConfigSelectionOptions {
  std::string source_dir;      // where the ConfigMap's files are mounted
  std::string default_config;  // "" = none
  std::vector<FallbackStrategy> fallbacks = {FallbackStrategy::kNamed,
                                             FallbackStrategy::kSingle};
};

struct ConfigChoice {
  std::string name;  // "" for the empty config
  std::string path;  // the file to load; "" = no config file
  // Why this one: "label", "default-config", "named", "single" or "empty".
  std::string reason;

  friend bool operator==(const ConfigChoice&, const ConfigChoice&) = default;
};

// The config files in `dir`, sorted: regular files (or links to them) whose
// names do not start with ".." — a mounted ConfigMap keeps its internals in
// "..data" and "..<timestamp>". NotFound when `dir` cannot be read.
absl::StatusOr<std::vector<std::string>> ListConfigs(const std::string& dir);

// Chooses from `available` (as ListConfigs returns). NotFound naming the
// label value when it names no config; FailedPrecondition when nothing is
// labelled, no default is given and no fallback applies.
absl::StatusOr<ConfigChoice> SelectConfig(std::optional<std::string_view> label_value,
                                          const std::vector<std::string>& available,
                                          const ConfigSelectionOptions& options);

}  // namespace gpulet::node

#endif  // GPULET_NODE_CONFIG_SELECTION_H_

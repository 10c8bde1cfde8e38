#include "node/config_selection.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace gpulet::node {
namespace {

bool Contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

ConfigChoice Named(const ConfigSelectionOptions& options, std::string name, std::string reason) {
  std::string path = (std::filesystem::path(options.source_dir) / name).string();
  return {std::move(name), std::move(path), std::move(reason)};
}

std::string Listing(const std::vector<std::string>& available) {
  return available.empty() ? "none" : absl::StrJoin(available, ", ");
}

}  // namespace

absl::StatusOr<std::vector<FallbackStrategy>> ParseFallbackStrategies(
    const std::vector<std::string>& names) {
  std::vector<FallbackStrategy> out;
  for (const std::string& name : names) {
    if (name == "named") {
      out.push_back(FallbackStrategy::kNamed);
    } else if (name == "single") {
      out.push_back(FallbackStrategy::kSingle);
    } else if (name == "empty") {
      out.push_back(FallbackStrategy::kEmpty);
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "fallback strategy \"", name, "\": expected named, single or empty"));
    }
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> ListConfigs(const std::string& dir) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) {
    return absl::NotFoundError(
        absl::StrCat("config directory ", dir, " cannot be read: ", ec.message()));
  }
  std::vector<std::string> names;
  for (const std::filesystem::directory_entry& entry : it) {
    std::string name = entry.path().filename().string();
    if (name.starts_with("..")) continue;
    // is_regular_file follows links: a ConfigMap key is a link into ..data.
    if (!entry.is_regular_file(ec) || ec) continue;
    names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

absl::StatusOr<ConfigChoice> SelectConfig(std::optional<std::string_view> label_value,
                                          const std::vector<std::string>& available,
                                          const ConfigSelectionOptions& options) {
  if (label_value.has_value() && !label_value->empty()) {
    if (!Contains(available, *label_value)) {
      return absl::NotFoundError(absl::StrCat("the node label names config \"", std::string(*label_value),
                                              "\", which is not in ", options.source_dir,
                                              " (available: ", Listing(available), ")"));
    }
    return Named(options, std::string(*label_value), "label");
  }
  if (!options.default_config.empty()) {
    if (!Contains(available, options.default_config)) {
      return absl::NotFoundError(absl::StrCat("the default config \"", options.default_config,
                                              "\" is not in ", options.source_dir,
                                              " (available: ", Listing(available), ")"));
    }
    return Named(options, options.default_config, "default-config");
  }
  for (FallbackStrategy fallback : options.fallbacks) {
    switch (fallback) {
      case FallbackStrategy::kNamed:
        if (Contains(available, "default")) return Named(options, "default", "named");
        break;
      case FallbackStrategy::kSingle:
        if (available.size() == 1) return Named(options, available.front(), "single");
        break;
      case FallbackStrategy::kEmpty:
        return ConfigChoice{"", "", "empty"};
    }
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "no config is labelled, no default config is set and no fallback strategy applies to ",
      options.source_dir, " (available: ", Listing(available), ")"));
}

}  // namespace gpulet::node

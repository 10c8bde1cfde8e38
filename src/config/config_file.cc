#include "config/config_file.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "base/duration.h"
#include "base/status_macros.h"
#include "config/sharing_file.h"
#include "config/yaml_field.h"

namespace gpulet {
namespace {

using config_internal::ReadOptional;
using config_internal::YamlField;

// Reads a string field and turns it into an enum with `parse`, so that the
// error names the field and line and quotes the value.
template <typename T>
absl::Status ReadEnum(const YamlField& map, std::string_view key,
                      absl::StatusOr<T> (*parse)(std::string_view),
                      std::optional<T>* out) {
  std::optional<YamlField> field = map.Child(key);
  if (!field.has_value()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::string text, field->AsString());
  absl::StatusOr<T> value = parse(text);
  if (!value.ok()) return field->Error(value.status());
  *out = *value;
  return absl::OkStatus();
}

absl::Status ReadSleepInterval(const YamlField& gfd,
                               std::optional<std::chrono::nanoseconds>* out) {
  std::optional<YamlField> field = gfd.Child("sleepInterval");
  if (!field.has_value()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::string text, field->AsString());
  // NVIDIA's Duration type also takes a bare number of nanoseconds.
  if (int64_t nanos = 0; absl::SimpleAtoi(text, &nanos)) {
    if (nanos <= 0) return field->Error("must be positive, got \"" + text + "\"");
    *out = std::chrono::nanoseconds(nanos);
    return absl::OkStatus();
  }
  absl::StatusOr<std::chrono::nanoseconds> interval = ParseSleepInterval(text);
  if (!interval.ok()) return field->Error(interval.status());
  *out = *interval;
  return absl::OkStatus();
}

absl::Status ReadDeviceListStrategy(
    const YamlField& plugin, std::optional<std::vector<DeviceListStrategy>>* out) {
  std::optional<YamlField> field = plugin.Child("deviceListStrategy");
  if (!field.has_value()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::vector<std::string> names, field->AsStringOrList());
  std::vector<DeviceListStrategy> strategies;
  for (const std::string& name : names) {
    absl::StatusOr<DeviceListStrategy> strategy = ParseDeviceListStrategy(name);
    if (!strategy.ok()) return field->Error(strategy.status());
    strategies.push_back(*strategy);
  }
  *out = std::move(strategies);
  return absl::OkStatus();
}

absl::Status ParsePluginFlags(const YamlField& plugin, PluginFileFlags& out,
                              std::vector<std::string>* warnings) {
  RETURN_IF_ERROR(plugin.CheckMap(
      {"passDeviceSpecs", "deviceListStrategy", "deviceIDStrategy",
       "cdiAnnotationPrefix", "nvidiaCTKPath", "containerDriverRoot",
       "sharedDevicesAllocationPolicy"},
      warnings));
  RETURN_IF_ERROR(ReadOptional(plugin, "passDeviceSpecs", &YamlField::AsBool,
                               &out.pass_device_specs));
  RETURN_IF_ERROR(ReadDeviceListStrategy(plugin, &out.device_list_strategy));
  RETURN_IF_ERROR(ReadEnum(plugin, "deviceIDStrategy", &ParseDeviceIdStrategy,
                           &out.device_id_strategy));
  RETURN_IF_ERROR(ReadOptional(plugin, "cdiAnnotationPrefix", &YamlField::AsString,
                               &out.cdi_annotation_prefix));
  RETURN_IF_ERROR(ReadOptional(plugin, "nvidiaCTKPath", &YamlField::AsString,
                               &out.nvidia_ctk_path));
  RETURN_IF_ERROR(ReadOptional(plugin, "containerDriverRoot", &YamlField::AsString,
                               &out.container_driver_root));
  return ReadEnum(plugin, "sharedDevicesAllocationPolicy", &ParseAllocationPolicy,
                  &out.shared_devices_allocation_policy);
}

absl::Status ParseGfdFlags(const YamlField& gfd, GfdFileFlags& out,
                           std::vector<std::string>* warnings) {
  RETURN_IF_ERROR(gfd.CheckMap({"oneshot", "noTimestamp", "sleepInterval",
                                "outputFile", "machineTypeFile"},
                               warnings));
  RETURN_IF_ERROR(ReadOptional(gfd, "oneshot", &YamlField::AsBool, &out.oneshot));
  RETURN_IF_ERROR(
      ReadOptional(gfd, "noTimestamp", &YamlField::AsBool, &out.no_timestamp));
  RETURN_IF_ERROR(ReadSleepInterval(gfd, &out.sleep_interval));
  RETURN_IF_ERROR(
      ReadOptional(gfd, "outputFile", &YamlField::AsString, &out.output_file));
  return ReadOptional(gfd, "machineTypeFile", &YamlField::AsString,
                      &out.machine_type_file);
}

absl::Status ParseFlags(const YamlField& flags, FileFlags& out,
                        std::vector<std::string>* warnings) {
  RETURN_IF_ERROR(flags.CheckMap(
      {"migStrategy", "failOnInitError", "mpsRoot", "nvidiaDriverRoot",
       "nvidiaDevRoot", "gdrcopyEnabled", "gdsEnabled", "mofedEnabled",
       "useNodeFeatureAPI", "deviceDiscoveryStrategy", "plugin", "gfd"},
      warnings));
  RETURN_IF_ERROR(ReadEnum(flags, "migStrategy", &ParseMigStrategy, &out.mig_strategy));
  RETURN_IF_ERROR(ReadOptional(flags, "failOnInitError", &YamlField::AsBool,
                               &out.fail_on_init_error));
  RETURN_IF_ERROR(ReadOptional(flags, "mpsRoot", &YamlField::AsString, &out.mps_root));
  RETURN_IF_ERROR(ReadOptional(flags, "nvidiaDriverRoot", &YamlField::AsString,
                               &out.nvidia_driver_root));
  RETURN_IF_ERROR(ReadOptional(flags, "nvidiaDevRoot", &YamlField::AsString,
                               &out.nvidia_dev_root));
  RETURN_IF_ERROR(ReadOptional(flags, "gdrcopyEnabled", &YamlField::AsBool,
                               &out.gdrcopy_enabled));
  RETURN_IF_ERROR(
      ReadOptional(flags, "gdsEnabled", &YamlField::AsBool, &out.gds_enabled));
  RETURN_IF_ERROR(
      ReadOptional(flags, "mofedEnabled", &YamlField::AsBool, &out.mofed_enabled));
  RETURN_IF_ERROR(ReadOptional(flags, "useNodeFeatureAPI", &YamlField::AsBool,
                               &out.use_node_feature_api));
  RETURN_IF_ERROR(ReadEnum(flags, "deviceDiscoveryStrategy",
                           &ParseDeviceDiscoveryStrategy,
                           &out.device_discovery_strategy));
  if (std::optional<YamlField> plugin = flags.Child("plugin")) {
    RETURN_IF_ERROR(ParsePluginFlags(*plugin, out.plugin, warnings));
  }
  if (std::optional<YamlField> gfd = flags.Child("gfd")) {
    RETURN_IF_ERROR(ParseGfdFlags(*gfd, out.gfd, warnings));
  }
  return absl::OkStatus();
}

absl::Status ParsePatterns(const YamlField& list, std::vector<ResourcePattern>& out,
                           std::vector<std::string>* warnings) {
  ASSIGN_OR_RETURN(std::vector<YamlField> items, list.AsList());
  for (const YamlField& item : items) {
    RETURN_IF_ERROR(item.CheckMap({"pattern", "name"}, warnings));
    ResourcePattern pattern;
    std::optional<std::string> text, name;
    RETURN_IF_ERROR(ReadOptional(item, "pattern", &YamlField::AsString, &text));
    RETURN_IF_ERROR(ReadOptional(item, "name", &YamlField::AsString, &name));
    out.push_back({text.value_or(""), name.value_or("")});
  }
  if (!items.empty()) {
    warnings->push_back(list.Describe(
        "custom resource patterns ignored (NVIDIA disables resource naming in "
        "the config file)"));
  }
  return absl::OkStatus();
}

absl::Status ParseResources(const YamlField& resources, ConfigFile& out) {
  RETURN_IF_ERROR(resources.CheckMap({"gpus", "mig"}, &out.warnings));
  if (std::optional<YamlField> gpus = resources.Child("gpus")) {
    RETURN_IF_ERROR(ParsePatterns(*gpus, out.gpu_resources, &out.warnings));
  }
  if (std::optional<YamlField> mig = resources.Child("mig")) {
    RETURN_IF_ERROR(ParsePatterns(*mig, out.mig_resources, &out.warnings));
  }
  return absl::OkStatus();
}

absl::Status ParseImex(const YamlField& imex, ImexConfig& out,
                       std::vector<std::string>* warnings) {
  RETURN_IF_ERROR(imex.CheckMap({"channelIDs", "required"}, warnings));
  if (std::optional<YamlField> ids = imex.Child("channelIDs")) {
    ASSIGN_OR_RETURN(std::vector<YamlField> items, ids->AsList());
    for (const YamlField& item : items) {
      ASSIGN_OR_RETURN(int64_t id, item.AsInt());
      if (id != 0 || !out.channel_ids.empty()) {
        return ids->Error("only [] or [0] is supported, got channel " +
                          std::to_string(id) +
                          (out.channel_ids.empty() ? "" : " after 0"));
      }
      out.channel_ids.push_back(0);
    }
  }
  std::optional<bool> required;
  RETURN_IF_ERROR(ReadOptional(imex, "required", &YamlField::AsBool, &required));
  out.required = required.value_or(false);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::chrono::nanoseconds> ParseSleepInterval(std::string_view text) {
  if (text == "infinite") return kSleepForever;
  absl::StatusOr<std::chrono::nanoseconds> interval = ParseGoDuration(text);
  if (!interval.ok()) {
    return absl::InvalidArgumentError(std::string(interval.status().message()) +
                                      " (want e.g. \"60s\", \"5m\" or \"infinite\")");
  }
  if (interval->count() <= 0) {
    return absl::InvalidArgumentError("sleep interval \"" + std::string(text) +
                                      "\" must be positive");
  }
  return *interval;
}

namespace {

absl::Status ParseTop(const YamlField& top, ConfigFile& out) {
  RETURN_IF_ERROR(top.CheckMap({"version", "flags", "resources", "sharing", "imex"},
                               &out.warnings));
  if (std::optional<YamlField> version = top.Child("version")) {
    ASSIGN_OR_RETURN(std::string text, version->AsString());
    if (!text.empty() && text != "v1") {
      return version->Error("unknown config file version \"" + text +
                            "\" (want v1)");
    }
  }
  if (std::optional<YamlField> flags = top.Child("flags")) {
    RETURN_IF_ERROR(ParseFlags(*flags, out.flags, &out.warnings));
  }
  if (std::optional<YamlField> resources = top.Child("resources")) {
    RETURN_IF_ERROR(ParseResources(*resources, out));
  }
  if (std::optional<YamlField> sharing = top.Child("sharing")) {
    RETURN_IF_ERROR(config_internal::ParseSharingSection(*sharing, out.sharing, &out.warnings));
  }
  if (std::optional<YamlField> imex = top.Child("imex")) {
    RETURN_IF_ERROR(ParseImex(*imex, out.imex, &out.warnings));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ConfigFile> ParseConfigFile(std::string_view text,
                                           std::string_view file_name) {
  ConfigFile out;
  out.file_name = std::string(file_name);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        out.file_name + ":" + std::to_string(e.mark.line + 1) +
        ": not valid YAML or JSON: " + e.msg);
  }
  if (root.IsNull()) return out;
  YamlField top(root, "", &out.file_name);
  if (!root.IsMap()) return top.Error("expected a map at the top level");
  try {
    RETURN_IF_ERROR(ParseTop(top, out));
  } catch (const YAML::Exception& e) {
    // Readers check types first; this is a last guard at the parse boundary.
    return absl::InvalidArgumentError(out.file_name + ":" +
                                      std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return out;
}

absl::StatusOr<ConfigFile> LoadConfigFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::ErrnoToStatus(errno, "cannot open config file \"" + path + "\"");
  }
  std::string text;
  char buffer[8192];
  ssize_t n = 0;
  while ((n = ::read(fd, buffer, sizeof(buffer))) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int error = errno;
      ::close(fd);
      return absl::ErrnoToStatus(error, "cannot read config file \"" + path + "\"");
    }
    text.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return ParseConfigFile(text, path);
}

}  // namespace gpulet

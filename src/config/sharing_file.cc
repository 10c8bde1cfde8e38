#include "config/sharing_file.h"

#include <set>
#include <string>

#include "absl/strings/numbers.h"
#include "base/status_macros.h"

namespace gpulet::config_internal {
namespace {

absl::StatusOr<ReplicatedDevices> ParseDevices(const YamlField& field) {
  ReplicatedDevices devices;
  if (field.IsSequence()) {
    ASSIGN_OR_RETURN(std::vector<std::string> ids, field.AsStringOrList());
    devices.all = false;
    devices.ids = std::move(ids);
    return devices;
  }
  ASSIGN_OR_RETURN(std::string text, field.AsString());
  if (text == "all") return devices;
  int count = 0;
  if (!absl::SimpleAtoi(text, &count) || count <= 0) {
    return field.Error("expected \"all\", a positive count or a list of device "
                       "ids, got \"" + text + "\"");
  }
  devices.all = false;
  devices.count = count;
  return devices;
}

absl::StatusOr<ReplicatedResource> ParseResource(const YamlField& item,
                                                 std::vector<std::string>* warnings) {
  RETURN_IF_ERROR(item.CheckMap({"name", "rename", "devices", "replicas"}, warnings));
  ReplicatedResource resource;
  std::optional<YamlField> name = item.Child("name");
  if (!name.has_value()) return item.Error("missing the resource name");
  ASSIGN_OR_RETURN(std::string raw_name, name->AsString());
  absl::StatusOr<std::string> full = NormalizeResourceName(raw_name);
  if (!full.ok()) return name->Error(full.status());
  resource.name = *full;
  if (std::optional<YamlField> rename = item.Child("rename")) {
    ASSIGN_OR_RETURN(std::string raw_rename, rename->AsString());
    absl::StatusOr<std::string> full_rename = NormalizeResourceName(raw_rename);
    if (!full_rename.ok()) return rename->Error(full_rename.status());
    resource.rename = *full_rename;
  }
  if (std::optional<YamlField> devices = item.Child("devices")) {
    ASSIGN_OR_RETURN(resource.devices, ParseDevices(*devices));
  }
  std::optional<YamlField> replicas = item.Child("replicas");
  if (!replicas.has_value()) return item.Error("missing replicas");
  ASSIGN_OR_RETURN(int64_t count, replicas->AsInt());
  if (count < 2 || count > 1 << 20) {
    return replicas->Error("must be at least 2, got \"" + std::to_string(count) + "\"");
  }
  resource.replicas = static_cast<int>(count);
  return resource;
}

absl::Status ParseReplicated(const YamlField& section, ReplicatedResources& out,
                             std::vector<std::string>* warnings) {
  RETURN_IF_ERROR(section.CheckMap(
      {"renameByDefault", "failRequestsGreaterThanOne", "resources"}, warnings));
  std::optional<bool> rename_by_default;
  RETURN_IF_ERROR(ReadOptional(section, "renameByDefault", &YamlField::AsBool,
                               &rename_by_default));
  out.rename_by_default = rename_by_default.value_or(false);
  RETURN_IF_ERROR(ReadOptional(section, "failRequestsGreaterThanOne",
                               &YamlField::AsBool,
                               &out.fail_requests_greater_than_one));
  std::optional<YamlField> resources = section.Child("resources");
  if (!resources.has_value()) return section.Error("no resources specified");
  ASSIGN_OR_RETURN(std::vector<YamlField> items, resources->AsList());
  if (items.empty()) return resources->Error("no resources specified");
  std::set<std::string> names;
  for (const YamlField& item : items) {
    ASSIGN_OR_RETURN(ReplicatedResource resource, ParseResource(item, warnings));
    if (!names.insert(resource.name).second) {
      return item.Error("duplicate resource name \"" + resource.name + "\"");
    }
    out.resources.push_back(std::move(resource));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ParseSharingSection(const YamlField& sharing, Sharing& out,
                                 std::vector<std::string>* warnings) {
  RETURN_IF_ERROR(sharing.CheckMap({"timeSlicing", "mps"}, warnings));
  if (std::optional<YamlField> time_slicing = sharing.Child("timeSlicing")) {
    RETURN_IF_ERROR(ParseReplicated(*time_slicing, out.time_slicing, warnings));
  }
  if (std::optional<YamlField> mps = sharing.Child("mps")) {
    RETURN_IF_ERROR(ParseReplicated(*mps, out.mps, warnings));
  }
  if (!out.time_slicing.resources.empty() && !out.mps.resources.empty()) {
    warnings->push_back(sharing.Describe(
        "both timeSlicing and mps have resources; MPS is used (as NVIDIA does)"));
  }
  return absl::OkStatus();
}

}  // namespace gpulet::config_internal

#include "doctor/allocation_preview.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "plugin/node_resource_source.h"

namespace gpulet::doctor {
namespace {

template <typename ProtoMap>
std::map<std::string, std::string> Sorted(const ProtoMap& map) {
  return std::map<std::string, std::string>(map.begin(), map.end());
}

std::vector<std::string> ResponseLines(const v1beta1::ContainerAllocateResponse& response) {
  std::vector<std::string> lines;
  for (const auto& [key, value] : Sorted(response.envs())) {
    lines.push_back(absl::StrCat("env ", key, "=", value));
  }
  for (const v1beta1::Mount& mount : response.mounts()) {
    lines.push_back(absl::StrCat("mount ", mount.host_path(), " -> ", mount.container_path(),
                                 mount.read_only() ? " (ro)" : ""));
  }
  for (const v1beta1::DeviceSpec& device : response.devices()) {
    lines.push_back(absl::StrCat("device ", device.host_path(), " -> ", device.container_path(),
                                 " (", device.permissions(), ")"));
  }
  for (const auto& [key, value] : Sorted(response.annotations())) {
    lines.push_back(absl::StrCat("annotation ", key, "=", value));
  }
  for (const v1beta1::CDIDevice& device : response.cdi_devices()) {
    lines.push_back(absl::StrCat("CDI device ", device.name()));
  }
  return lines;
}

// The spec to allocate from: the one named, or the first.
const plugin::ResourceSpec* Pick(const plugin::NodeResources& resources,
                                 const std::string& name) {
  for (const plugin::ResourceSpec& spec : resources.resources) {
    if (name.empty() || spec.name == name) return &spec;
  }
  return nullptr;
}

}  // namespace

nlohmann::ordered_json AllocateResponseToJson(const v1beta1::ContainerAllocateResponse& response) {
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  json["envs"] = nlohmann::ordered_json::object();
  for (const auto& [key, value] : Sorted(response.envs())) json["envs"][key] = value;
  json["mounts"] = nlohmann::ordered_json::array();
  for (const v1beta1::Mount& mount : response.mounts()) {
    json["mounts"].push_back({{"container_path", mount.container_path()},
                              {"host_path", mount.host_path()},
                              {"read_only", mount.read_only()}});
  }
  json["devices"] = nlohmann::ordered_json::array();
  for (const v1beta1::DeviceSpec& device : response.devices()) {
    json["devices"].push_back({{"container_path", device.container_path()},
                               {"host_path", device.host_path()},
                               {"permissions", device.permissions()}});
  }
  json["annotations"] = nlohmann::ordered_json::object();
  for (const auto& [key, value] : Sorted(response.annotations())) {
    json["annotations"][key] = value;
  }
  json["cdi_devices"] = nlohmann::ordered_json::array();
  for (const v1beta1::CDIDevice& device : response.cdi_devices()) {
    json["cdi_devices"].push_back({{"name", device.name()}});
  }
  return json;
}

void PreviewAllocation(const inventory::NodeSource& node, const ConfigFlags& flags,
                       const Environment& env, const Config& config,
                       const AllocationRequest& request, DoctorReport& report) {
  Section& section = report.AddSection("allocation", "Allocation");
  section.facts["count"] = request.count;
  plugin::NodeResourceSource source(flags, &env, config, &node);
  absl::StatusOr<plugin::NodeResources> built = source.Build();
  if (!built.ok()) {
    section.Problem(absl::StrCat("the device plugin cannot build its resources: ",
                                 built.status().message()),
                    "see the Resources section", false);
    return;
  }
  const plugin::ResourceSpec* spec = Pick(*built, request.resource);
  if (spec == nullptr) {
    section.Problem(request.resource.empty()
                        ? std::string("no resource to allocate from")
                        : absl::StrCat("the plugin advertises no ", request.resource),
                    "see the Resources section", false);
    return;
  }
  section.facts["resource"] = spec->name;
  std::vector<std::string> healthy;
  for (const plugin::AdvertisedDevice& device : spec->devices) {
    if (device.healthy) healthy.push_back(device.id);
  }
  absl::StatusOr<std::vector<std::string>> ids =
      spec->backend->PreferredAllocation(healthy, {}, request.count);
  absl::StatusOr<v1beta1::ContainerAllocateResponse> response =
      ids.ok() ? spec->backend->Allocate(*ids)
               : absl::StatusOr<v1beta1::ContainerAllocateResponse>(ids.status());
  if (!response.ok()) {
    section.Problem(absl::StrCat("a container asking for ", request.count, " ", spec->name,
                                 " would fail: ", response.status().message()),
                    absl::StrCat(healthy.size(), " ", spec->name, " are healthy; ask for fewer"),
                    false);
    return;
  }
  section.facts["device_ids"] = *ids;
  section.facts["response"] = AllocateResponseToJson(*response);
  Finding& finding = section.Ok(absl::StrCat("a container asking for ", request.count, " ",
                                             spec->name, " gets ", absl::StrJoin(*ids, ", ")));
  finding.details = ResponseLines(*response);
}

}  // namespace gpulet::doctor

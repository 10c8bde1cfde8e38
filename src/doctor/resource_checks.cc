#include "doctor/resource_checks.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/absl_string_view.h"
#include "doctor/gpu_checks.h"
#include "plugin/node_resource_source.h"

namespace gpulet::doctor {
namespace {

struct SetSummary {
  int devices = 0;
  int healthy = 0;
  std::set<unsigned int> gpus;       // physical GPUs behind the devices
  std::set<int> replicas;            // distinct replica counts
  std::set<unsigned int> unhealthy;  // GPU indices with an unhealthy device
};

SetSummary Summarize(const resources::ResourceSet& set) {
  SetSummary s;
  for (const resources::Device& device : set.devices()) {
    ++s.devices;
    s.gpus.insert(device.gpu_index);
    s.replicas.insert(device.replicas);
    if (device.health == resources::Health::kHealthy) {
      ++s.healthy;
    } else {
      s.unhealthy.insert(device.gpu_index);
    }
  }
  return s;
}

// "8 devices", "32 devices: 8 GPUs x 4 time-slicing replicas".
std::string Shape(const resources::ResourceSet& set, const SetSummary& s) {
  std::string out = absl::StrCat(s.devices, s.devices == 1 ? " device" : " devices");
  if (set.replicated()) {
    absl::StrAppend(&out, ": ", s.gpus.size(), s.gpus.size() == 1 ? " GPU" : " GPUs", " x ",
                    absl::StrJoin(s.replicas, "/"), " ",
                    AsAbsl(resources::SharingStrategyName(set.sharing())), " replicas");
    if (set.fail_requests_greater_than_one()) absl::StrAppend(&out, ", 1 per container");
  } else if (!set.devices().empty() && set.devices().front().is_mig()) {
    absl::StrAppend(&out, " on GPUs ", absl::StrJoin(s.gpus, ","));
  }
  return out;
}

nlohmann::ordered_json SetFacts(const resources::ResourceSet& set, const SetSummary& s) {
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  json["name"] = set.name().ToString();
  json["devices"] = s.devices;
  json["healthy"] = s.healthy;
  json["gpus"] = s.gpus;
  json["sharing"] = set.replicated() ? resources::SharingStrategyName(set.sharing()) : "none";
  json["replicas"] = s.replicas.empty() ? 1 : *s.replicas.rbegin();
  nlohmann::ordered_json unhealthy = nlohmann::ordered_json::array();
  for (const resources::Device& device : set.devices()) {
    if (device.health == resources::Health::kHealthy) continue;
    nlohmann::ordered_json d = nlohmann::ordered_json::object();
    d["id"] = device.id.ToString();
    d["gpu"] = device.gpu_index;
    d["problem"] = device.problem;
    unhealthy.push_back(std::move(d));
  }
  json["unhealthy"] = std::move(unhealthy);
  return json;
}

// `none_healthy`: no resource of the node has a healthy device, so an
// unhealthy one here leaves the node serving nothing.
void AddSet(const inventory::Inventory& inventory, const resources::ResourceSet& set,
            bool none_healthy, Section& section) {
  SetSummary s = Summarize(set);
  section.facts["resources"].push_back(SetFacts(set, s));
  const std::string name = set.name().ToString();
  if (s.unhealthy.empty()) {
    section.Ok(absl::StrCat(name, ": ", Shape(set, s), ", all healthy"));
    return;
  }
  std::vector<std::string> gpus;
  for (unsigned int index : s.unhealthy) {
    const inventory::Gpu& gpu = inventory.gpus.at(index);
    gpus.push_back(absl::StrCat("GPU ", index, gpu.uuid.empty() ? "" : " (" + gpu.uuid + ")",
                                " is ", GpuHealth(gpu)));
  }
  Finding& finding = section.Problem(
      absl::StrCat(name, ": ", s.healthy, " of ", s.devices, " would be advertised healthy; ",
                   absl::StrJoin(gpus, ", "), ": ", gpus.size() == 1 ? "its" : "their",
                   " devices will be Unhealthy"),
      s.unhealthy.size() == 1 ? GpuFix(inventory.gpus.at(*s.unhealthy.begin()))
                              : "see the GPUs section for each GPU's fix",
      none_healthy);
  finding.details.push_back(absl::StrCat("pods can use ", s.healthy, " ", name,
                                         "; the kubelet counts the rest as unallocatable"));
}

// How BuildResourceSets words a GPU it leaves out.
constexpr char kNotAdvertised[] = "is not advertised";

// GPUs lost before their UUID was read are left out of every resource:
// the node's count drops, which an operator should hear as a problem.
void AddUnadvertised(const inventory::Inventory& inventory, bool none_healthy,
                     Section& section) {
  std::vector<const inventory::Gpu*> missing;
  for (const inventory::Gpu& gpu : inventory.gpus) {
    if (gpu.uuid.empty() && !gpu.problem.empty()) missing.push_back(&gpu);
  }
  if (missing.empty()) return;
  std::vector<std::string> gpus;
  for (const inventory::Gpu* gpu : missing) {
    gpus.push_back(absl::StrCat("GPU ", gpu->index, " is ", GpuHealth(*gpu)));
  }
  Finding& finding = section.Problem(
      absl::StrCat(inventory.gpus.size() - missing.size(), " of ", inventory.gpus.size(),
                   " GPUs would be advertised; ", absl::StrJoin(gpus, ", "), ": ",
                   missing.size() == 1 ? "it is" : "they are",
                   " left out until its UUID can be read"),
      missing.size() == 1 ? GpuFix(*missing.front()) : "see the GPUs section for each GPU's fix",
      none_healthy);
  finding.details.push_back(
      "the kubelet's capacity drops by as many GPUs; pods already running on them fail");
}

}  // namespace

absl::StatusOr<resources::ResourceSets> CheckResources(const inventory::Inventory& inventory,
                                                       const Config& config,
                                                       DoctorReport& report) {
  Section& section = report.AddSection("resources", "Resources");
  section.facts["resources"] = nlohmann::ordered_json::array();
  absl::StatusOr<resources::ResourceSets> sets =
      resources::BuildResourceSets(inventory, plugin::ToResourceOptions(config));
  if (!sets.ok()) {
    section.Problem(absl::StrCat("the device plugin cannot build its resources: ",
                                 sets.status().message()),
                    "change migStrategy (mixed serves any MIG layout) or the sharing section of "
                    "the config, or the MIG layout",
                    true);
    return sets.status();
  }
  if (sets->sets.empty()) {
    section.Problem("no resource to advertise: nvidia.com/gpu would be 0 on this node",
                    "see the GPUs section; with MIG enabled, create MIG devices or use "
                    "--mig-strategy=mixed",
                    true);
  }
  int healthy = 0;
  for (const auto& set : sets->sets) {
    for (const resources::Device& device : set->devices()) {
      healthy += device.health == resources::Health::kHealthy ? 1 : 0;
    }
  }
  for (const auto& set : sets->sets) AddSet(inventory, *set, healthy == 0, section);
  AddUnadvertised(inventory, healthy == 0, section);
  for (const std::string& warning : sets->warnings) {
    if (absl::StrContains(warning, kNotAdvertised)) continue;  // said above
    section.Warn(warning, "see the GPUs section");
  }
  return sets;
}

}  // namespace gpulet::doctor

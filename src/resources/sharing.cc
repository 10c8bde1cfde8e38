#include "resources/sharing.h"

#include <algorithm>
#include <map>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/absl_string_view.h"
#include "base/status_macros.h"

namespace gpulet::resources {
namespace {

// MPS limits the clients per GPU: 48 from compute capability 7.5 (NVIDIA
// calls the check "Volta" but compares against 7.5), 16 before.
int MaxMpsReplicas(const inventory::Gpu& gpu) {
  const nvml::ComputeCapability& cc = gpu.compute_capability;
  return (cc.major > 7 || (cc.major == 7 && cc.minor >= 5)) ? 48 : 16;
}

// For each base device of one resource, the index of the sharing entry
// that replicates it, if any.
using Selection = std::vector<std::optional<size_t>>;

absl::StatusOr<std::vector<size_t>> Select(const std::string& field,
                                           const DeviceSelector& selector,
                                           const std::vector<Device>& devices) {
  std::vector<size_t> picked;
  switch (selector.kind) {
    case DeviceSelector::Kind::kAll:
      for (size_t i = 0; i < devices.size(); ++i) picked.push_back(i);
      break;
    case DeviceSelector::Kind::kCount:
      if (selector.count < 1 || static_cast<size_t>(selector.count) > devices.size()) {
        return absl::InvalidArgumentError(absl::StrCat(
            field, ".devices: count ", selector.count, " is not between 1 and the ",
            devices.size(), " devices of the resource"));
      }
      for (int i = 0; i < selector.count; ++i) picked.push_back(i);
      break;
    case DeviceSelector::Kind::kList:
      for (const std::string& id : selector.ids) {
        auto it = std::find_if(devices.begin(), devices.end(), [&](const Device& d) {
          return d.index == id || d.id.uuid() == id;
        });
        if (it == devices.end()) {
          return absl::InvalidArgumentError(absl::StrCat(
              field, ".devices: \"", id, "\" is no device of the resource"));
        }
        picked.push_back(static_cast<size_t>(it - devices.begin()));
      }
      break;
  }
  return picked;
}

absl::Status CheckEntry(const std::string& field, const ReplicatedResource& entry,
                        const ResourceName& name, const ResourceOptions& options) {
  if (entry.replicas < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ".replicas: ", entry.replicas, " for ", name.ToString(),
        "; sharing needs at least 2"));
  }
  if (options.sharing.strategy == SharingStrategy::kMps &&
      (options.mig_strategy == MigStrategy::kSingle ||
       name.short_name().starts_with("mig-"))) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": MPS sharing of MIG devices (", name.ToString(),
        ") is not supported"));
  }
  return absl::OkStatus();
}

// Marks in `selection` the devices entry `e` selects; a device already
// selected by another entry is an error.
absl::Status MarkSelected(const std::string& prefix, size_t e,
                          const std::vector<size_t>& picked,
                          const std::vector<Device>& devices,
                          Selection& selection) {
  for (size_t i : picked) {
    if (selection[i].has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(
          prefix, ".resources[", e, "]: device ", devices[i].index, " of ",
          "the resource is already shared by ", prefix, ".resources[",
          *selection[i], "] (duplicate resource name)"));
    }
    selection[i] = e;
  }
  return absl::OkStatus();
}

absl::Status CheckMpsLimit(const std::string& field, int replicas,
                           const Device& device,
                           const inventory::Inventory& inventory) {
  if (device.gpu_index >= inventory.gpus.size()) return absl::OkStatus();
  int max = MaxMpsReplicas(inventory.gpus[device.gpu_index]);
  if (replicas > max) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ".replicas: ", replicas, " exceeds MPS's limit of ", max,
        " clients on GPU ", device.index));
  }
  return absl::OkStatus();
}

std::string FieldPrefix(SharingStrategy strategy) {
  return strategy == SharingStrategy::kMps ? "sharing.mps" : "sharing.timeSlicing";
}

// The selection of every resource some entry shares, after checking the
// entries.
absl::StatusOr<std::map<ResourceName, Selection>> SelectShared(
    const BaseResources& base, const inventory::Inventory& inventory,
    const ResourceOptions& options, std::vector<std::string>& warnings) {
  const SharingOptions& sharing = options.sharing;
  const std::string prefix = FieldPrefix(sharing.strategy);
  std::map<ResourceName, Selection> selections;
  for (size_t e = 0; e < sharing.resources.size(); ++e) {
    const ReplicatedResource& entry = sharing.resources[e];
    const std::string field = absl::StrCat(prefix, ".resources[", e, "]");
    absl::StatusOr<ResourceName> name = ResourceName::Parse(entry.name);
    if (!name.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".name: ", name.status().message()));
    }
    RETURN_IF_ERROR(CheckEntry(field, entry, *name, options));
    if (!entry.rename.empty()) {
      warnings.push_back(absl::StrCat(
          field, ".rename \"", entry.rename,
          "\" is ignored, as by NVIDIA's plugin; use renameByDefault"));
    }
    auto devices = base.devices.find(*name);
    if (devices == base.devices.end()) {
      warnings.push_back(absl::StrCat(field, ": this node has no ",
                                      name->ToString(), " devices to share"));
      continue;
    }
    ASSIGN_OR_RETURN(std::vector<size_t> picked,
                     Select(field, entry.devices, devices->second));
    Selection& selection = selections[*name];
    selection.resize(devices->second.size());
    RETURN_IF_ERROR(MarkSelected(prefix, e, picked, devices->second, selection));
    for (size_t i : picked) {
      if (sharing.strategy == SharingStrategy::kMps) {
        RETURN_IF_ERROR(
            CheckMpsLimit(field, entry.replicas, devices->second[i], inventory));
      }
    }
  }
  return selections;
}

// Devices by the name they are served under: replicas of selected devices
// (under "<name>.shared" with renameByDefault), the rest unshared.
std::map<ResourceName, std::vector<Device>> Distribute(
    BaseResources& base, const std::map<ResourceName, Selection>& selections,
    const SharingOptions& sharing) {
  std::map<ResourceName, std::vector<Device>> out;
  for (auto& [name, devices] : base.devices) {
    auto selection = selections.find(name);
    ResourceName shared_name = sharing.rename_by_default ? name.Shared() : name;
    for (size_t i = 0; i < devices.size(); ++i) {
      std::optional<size_t> entry =
          selection != selections.end() ? selection->second[i] : std::nullopt;
      if (!entry.has_value()) {
        out[name].push_back(std::move(devices[i]));
        continue;
      }
      int replicas = sharing.resources[*entry].replicas;
      for (int r = 0; r < replicas; ++r) {
        Device replica = devices[i];
        replica.id = DeviceId(devices[i].id.uuid(), r);
        replica.replicas = replicas;
        out[shared_name].push_back(std::move(replica));
      }
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<ResourceSets> ApplySharing(BaseResources base,
                                          const inventory::Inventory& inventory,
                                          const ResourceOptions& options) {
  const SharingOptions& sharing = options.sharing;
  ResourceSets out;
  out.warnings = std::move(base.warnings);
  if (sharing.strategy == SharingStrategy::kMps &&
      options.mig_strategy == MigStrategy::kMixed) {
    return absl::InvalidArgumentError(
        "sharing.mps: MPS sharing cannot be combined with migStrategy mixed");
  }
  std::map<ResourceName, Selection> selections;
  if (sharing.strategy != SharingStrategy::kNone) {
    ASSIGN_OR_RETURN(selections,
                     SelectShared(base, inventory, options, out.warnings));
  }
  const bool fail_greater_than_one = sharing.fail_requests_greater_than_one.value_or(
      sharing.strategy == SharingStrategy::kMps);
  for (auto& [name, devices] : Distribute(base, selections, sharing)) {
    bool replicated = std::any_of(devices.begin(), devices.end(),
                                  [](const Device& d) { return d.replicas > 1; });
    out.sets.push_back(std::make_shared<const ResourceSet>(
        name, std::move(devices),
        replicated ? sharing.strategy : SharingStrategy::kNone,
        replicated && fail_greater_than_one));
  }
  return out;
}

}  // namespace gpulet::resources

#include "cdi/spec_generator.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "cdi/common_edits.h"
#include "cdi/device_edits.h"
#include "cdi/driver_libraries.h"
#include "cdi/library_locator.h"
#include "cdi/spec_simplifier.h"
#include "cdi/spec_validator.h"
#include "cdi/spec_version.h"

namespace gpulet::cdi {
namespace {

using inventory::Gpu;
using inventory::Inventory;
using inventory::MigDevice;

// A device to describe: a full GPU (mig == nullptr) or one MIG device.
struct Selected {
  const Gpu* gpu;
  const MigDevice* mig;
};

void AddGpuOrMigs(const Gpu& gpu, std::vector<Selected>& out) {
  if (!gpu.mig_enabled) {
    out.push_back({&gpu, nullptr});
    return;
  }
  for (const MigDevice& mig : gpu.mig_devices) out.push_back({&gpu, &mig});
}

bool Matches(const Gpu& gpu, const MigDevice* mig, const std::string& id) {
  if (mig == nullptr) return id == gpu.uuid || id == std::to_string(gpu.index);
  return id == mig->uuid || id == absl::StrCat(gpu.index, ":", mig->index);
}

absl::StatusOr<std::vector<Selected>> SelectDevices(const Inventory& inventory,
                                                    const std::vector<std::string>& ids) {
  std::vector<Selected> selected;
  if (ids.empty()) {
    for (const Gpu& gpu : inventory.gpus) AddGpuOrMigs(gpu, selected);
    return selected;
  }
  for (const std::string& id : ids) {
    size_t before = selected.size();
    for (const Gpu& gpu : inventory.gpus) {
      if (Matches(gpu, nullptr, id)) AddGpuOrMigs(gpu, selected);
      for (const MigDevice& mig : gpu.mig_devices) {
        if (gpu.mig_enabled && Matches(gpu, &mig, id)) selected.push_back({&gpu, &mig});
      }
    }
    if (selected.size() == before) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--device-id \"", id, "\" names no GPU or MIG device of this node"));
    }
  }
  return selected;
}

std::string NameOf(const Selected& device, DeviceNameStrategy strategy) {
  const Gpu& gpu = *device.gpu;
  if (device.mig == nullptr) {
    switch (strategy) {
      case DeviceNameStrategy::kIndex: return std::to_string(gpu.index);
      case DeviceNameStrategy::kUuid: return gpu.uuid;
      case DeviceNameStrategy::kTypeIndex: return absl::StrCat("gpu", gpu.index);
    }
  }
  switch (strategy) {
    case DeviceNameStrategy::kIndex: return absl::StrCat(gpu.index, ":", device.mig->index);
    case DeviceNameStrategy::kUuid: return device.mig->uuid;
    case DeviceNameStrategy::kTypeIndex:
      return absl::StrCat("mig", gpu.index, ":", device.mig->index);
  }
  return "";
}

std::optional<hostfs::MigMinors> MigMinorsIfNeeded(const hostfs::HostFs& host,
                                                   const std::vector<Selected>& selected,
                                                   std::vector<std::string>& warnings) {
  bool any_mig = std::any_of(selected.begin(), selected.end(),
                             [](const Selected& s) { return s.mig != nullptr; });
  if (!any_mig) return std::nullopt;
  absl::StatusOr<hostfs::MigMinors> minors = host.ReadMigMinors();
  if (!minors.ok()) {
    warnings.push_back(minors.status().ToString());
    return std::nullopt;
  }
  return *std::move(minors);
}

absl::StatusOr<std::vector<Device>> NvmlDevices(const hostfs::HostFs& host,
                                                const Inventory& inventory,
                                                const GenerateOptions& options,
                                                const HookFactory& hooks,
                                                std::vector<std::string>& warnings) {
  ASSIGN_OR_RETURN(std::vector<Selected> selected,
                   SelectDevices(inventory, options.device_ids));
  DeviceEdits builder(host, hooks, MigMinorsIfNeeded(host, selected, warnings),
                      options.features.additional_gids);
  std::vector<Device> devices;
  for (const Selected& device : selected) {
    if (!device.gpu->problem.empty()) {
      // What was read of it (its UUID, its minor) may be missing or wrong:
      // a lost GPU has an empty UUID, which no runtime accepts as a name.
      warnings.push_back(absl::StrCat("left out GPU ", device.gpu->index, ": ",
                                      device.gpu->problem));
      continue;
    }
    absl::StatusOr<ContainerEdits> edits =
        device.mig == nullptr ? builder.ForGpu(*device.gpu)
                              : builder.ForMig(*device.gpu, *device.mig);
    if (!edits.ok()) {
      // Left out rather than pointing the runtime at a missing node.
      warnings.push_back(absl::StrCat("left out ", NameOf(device, DeviceNameStrategy::kUuid),
                                      ": ", edits.status().message()));
      continue;
    }
    for (DeviceNameStrategy strategy : options.name_strategies) {
      devices.push_back(Device{NameOf(device, strategy), {}, *edits});
    }
  }
  if (devices.empty() && !selected.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no GPU could be described: ", absl::StrJoin(warnings, "; ")));
  }
  return devices;
}

absl::StatusOr<std::vector<Device>> Devices(const hostfs::HostFs& host,
                                            const Inventory* inventory,
                                            const GenerateOptions& options,
                                            const HookFactory& hooks, Spec& spec,
                                            std::vector<std::string>& warnings) {
  DeviceEdits builder(host, hooks, std::nullopt, options.features.additional_gids);
  if (options.mode == GenerateMode::kManagement) {
    ASSIGN_OR_RETURN(ContainerEdits all, builder.AllNodes());
    return std::vector<Device>{Device{"all", {}, std::move(all)}};
  }
  ContainerEdits control = builder.ControlNodes();
  spec.edits.device_nodes = control.device_nodes;
  spec.edits.additional_gids = control.additional_gids;
  // After the library hooks, in nvidia-ctk's order.
  for (std::string_view name :
       {kDisableDeviceNodeModificationHook, kUpdateApplicationProfileHook}) {
    if (auto hook = hooks.Make(name)) spec.edits.hooks.push_back(*std::move(hook));
  }
  if (options.device_ids == std::vector<std::string>{"none"}) {
    ContainerEdits empty;
    empty.env = {"NVCT_EMPTY_DEVICE="};
    return std::vector<Device>{Device{"none", {}, std::move(empty)}};
  }
  if (inventory == nullptr) {
    return absl::InvalidArgumentError("nvml mode needs the GPU inventory");
  }
  ASSIGN_OR_RETURN(std::vector<Device> devices,
                   NvmlDevices(host, *inventory, options, hooks, warnings));
  std::stable_sort(devices.begin(), devices.end(),
                   [](const Device& a, const Device& b) { return a.name < b.name; });
  return devices;
}

absl::StatusOr<std::string> DriverVersion(const Inventory* inventory,
                                          const LibraryLocator& locator) {
  if (inventory != nullptr && !inventory->driver_version.empty()) {
    return inventory->driver_version;
  }
  return InferDriverVersion(locator);
}

}  // namespace

absl::StatusOr<GeneratedSpec> GenerateSpec(const hostfs::HostFs& host,
                                           const inventory::Inventory* inventory,
                                           const GenerateOptions& options) {
  RETURN_IF_ERROR(ValidateVendorName(options.vendor));
  RETURN_IF_ERROR(ValidateClassName(options.device_class));
  HookSet hook_set = options.hooks;
  // Management containers (mig-parted) must be able to change device nodes.
  if (options.mode == GenerateMode::kManagement) {
    hook_set.Disable(kDisableDeviceNodeModificationHook);
  }
  HookFactory hooks(options.hook_path, hook_set);
  LibraryLocator locator(host.view(), host.roots(), options.library_search_paths);
  ASSIGN_OR_RETURN(std::string version, DriverVersion(inventory, locator));
  ASSIGN_OR_RETURN(DriverLibraries libraries,
                   LocateDriverLibraries(locator, version,
                                         options.features.explicit_driver_libraries));
  ExtrasOptions extras_options = options.extras;
  extras_options.ipc_sockets = extras_options.ipc_sockets && options.features.ipc_sockets;
  DriverExtras extras = LocateDriverExtras(host.view(), host.roots(), version,
                                           libraries.host_library_dirs, extras_options);

  GeneratedSpec out;
  out.warnings = libraries.warnings;
  Spec& spec = out.spec;
  spec.kind = absl::StrCat(options.vendor, "/", options.device_class);
  spec.edits = BuildCommonEdits({version, &libraries, &extras, &hooks, options.ldconfig_path});
  ASSIGN_OR_RETURN(spec.devices, Devices(host, inventory, options, hooks, spec, out.warnings));
  SimplifySpec(spec);
  bool add_all = options.mode == GenerateMode::kNvml && options.all_device &&
                 options.device_ids != std::vector<std::string>{"none"};
  if (add_all) {
    spec.devices.push_back(Device{"all", {}, MergeEdits(spec.devices)});
    SimplifySpec(spec);
  }
  spec.version = MinimumVersion(spec).ToString();
  RETURN_IF_ERROR(ValidateSpec(spec));
  return out;
}

}  // namespace gpulet::cdi

#include "allocation/allocator.h"

#include <algorithm>
#include <random>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/absl_string_view.h"

namespace gpulet::allocation {
namespace {

constexpr char kVisibleDevices[] = "NVIDIA_VISIBLE_DEVICES";
constexpr char kDeviceListDir[] = "/var/run/nvidia-container-devices";
constexpr char kImexChannelNode[] = "nvidia-caps-imex-channels/channel";
// NVIDIA lists the control nodes in this order in device specs.
constexpr std::string_view kControlNodeOrder[] = {"nvidiactl", "nvidia-uvm",
                                                  "nvidia-uvm-tools",
                                                  "nvidia-modeset"};

std::string CdiName(std::string_view cdi_class, std::string_view device) {
  return absl::StrCat(AsAbsl(kCdiVendor), "/", AsAbsl(cdi_class), "=",
                      AsAbsl(device));
}

// Appends a device spec unless one for the same container path is there.
void AddSpec(std::string container_path, std::string host_path,
             std::vector<DeviceSpec>& specs) {
  for (const DeviceSpec& spec : specs) {
    if (spec.container_path == container_path) return;
  }
  specs.push_back({std::move(container_path), std::move(host_path), "rw"});
}

}  // namespace

std::string RandomUuid() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  uint64_t hi = engine(), lo = engine();
  hi = (hi & ~0xF000ull) | 0x4000ull;                          // version 4
  lo = (lo & ~(0xC000ull << 48)) | (0x8000ull << 48);          // RFC 4122 variant
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32, (hi >> 16) & 0xFFFF,
                         hi & 0xFFFF, lo >> 48, lo & 0xFFFFFFFFFFFFull);
}

Allocator::Allocator(std::shared_ptr<const resources::ResourceSet> set,
                     AllocateOptions options,
                     std::vector<hostfs::DeviceNode> control_nodes,
                     std::function<std::string()> unique_id)
    : set_(std::move(set)),
      options_(std::move(options)),
      unique_id_(std::move(unique_id)) {
  for (std::string_view name : kControlNodeOrder) {
    for (hostfs::DeviceNode& node : control_nodes) {
      if (node.name == name) control_nodes_.push_back(node);
    }
  }
}

absl::StatusOr<ContainerAllocation> Allocator::Allocate(
    const std::vector<std::string>& device_ids) const {
  const std::string& resource = set_->name().ToString();
  if (device_ids.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid allocation request for \"", resource, "\": no devices requested"));
  }
  std::vector<const resources::Device*> devices;
  std::vector<std::string> unknown;
  for (const std::string& id : device_ids) {
    const resources::Device* device = set_->Find(id);
    if (device == nullptr) unknown.push_back(id);
    devices.push_back(device);
  }
  if (!unknown.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid allocation request for \"", resource,
                     "\": unknown device: ", absl::StrJoin(unknown, ", ")));
  }
  if (set_->fail_requests_greater_than_one() && device_ids.size() > 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid allocation request for \"", resource,
        "\": maximum request size for shared resources is 1; found ",
        device_ids.size()));
  }
  ContainerAllocation out;
  std::vector<std::string> runtime_ids = RuntimeIds(devices);
  if (options_.list_strategies.AnyCdi()) AddCdi(runtime_ids, out);
  if (set_->sharing() == resources::SharingStrategy::kMps) AddMps(out);
  if (!options_.list_strategies.OnlyCdi()) {
    if (options_.list_strategies.envvar) AddEnvVar(runtime_ids, out);
    if (options_.list_strategies.volume_mounts) AddVolumeMounts(runtime_ids, out);
    if (options_.pass_device_specs) AddDeviceSpecs(devices, out);
  }
  if (options_.gdrcopy_enabled) out.envs["NVIDIA_GDRCOPY"] = "enabled";
  if (options_.gds_enabled) out.envs["NVIDIA_GDS"] = "enabled";
  if (options_.mofed_enabled) out.envs["NVIDIA_MOFED"] = "enabled";
  return out;
}

std::vector<std::string> Allocator::RuntimeIds(
    const std::vector<const resources::Device*>& devices) const {
  std::vector<std::string> ids;
  absl::flat_hash_set<std::string> seen;
  for (const resources::Device* device : devices) {
    const std::string& id = options_.id_strategy == DeviceIdStrategy::kIndex
                                ? device->index
                                : device->id.uuid();
    if (seen.insert(id).second) ids.push_back(id);
  }
  return ids;
}

void Allocator::AddCdi(const std::vector<std::string>& runtime_ids,
                       ContainerAllocation& out) const {
  std::vector<std::string> names;
  for (const std::string& id : runtime_ids) names.push_back(CdiName("gpu", id));
  for (int channel : options_.imex_channel_ids) {
    names.push_back(CdiName("imex-channel", std::to_string(channel)));
  }
  if (options_.gdrcopy_enabled) names.push_back(CdiName("gdrcopy", "all"));
  if (options_.gds_enabled) names.push_back(CdiName("gds", "all"));
  if (options_.mofed_enabled) names.push_back(CdiName("mofed", "all"));
  if (options_.list_strategies.cdi_annotations) {
    out.annotations[absl::StrCat(options_.cdi_annotation_prefix,
                                 "nvidia-device-plugin_", unique_id_())] =
        absl::StrJoin(names, ",");
  }
  if (options_.list_strategies.cdi_cri) {
    out.cdi_devices.insert(out.cdi_devices.end(), names.begin(), names.end());
  }
}

void Allocator::AddMps(ContainerAllocation& out) const {
  const std::string& resource = set_->name().ToString();
  std::string pipe = absl::StrCat("/mps/", resource, "/pipe");
  out.envs["CUDA_MPS_PIPE_DIRECTORY"] = pipe;
  out.mounts.push_back(
      {pipe, absl::StrCat(options_.mps_root, "/", resource, "/pipe"), false});
  out.mounts.push_back({"/dev/shm", absl::StrCat(options_.mps_root, "/shm"), false});
}

void Allocator::AddEnvVar(const std::vector<std::string>& runtime_ids,
                          ContainerAllocation& out) const {
  out.envs[kVisibleDevices] = absl::StrJoin(runtime_ids, ",");
  if (!options_.imex_channel_ids.empty()) {
    out.envs["NVIDIA_IMEX_CHANNELS"] = absl::StrJoin(options_.imex_channel_ids, ",");
  }
}

void Allocator::AddVolumeMounts(const std::vector<std::string>& runtime_ids,
                                ContainerAllocation& out) const {
  out.envs[kVisibleDevices] = kDeviceListDir;
  for (const std::string& id : runtime_ids) {
    out.mounts.push_back({absl::StrCat(kDeviceListDir, "/", id), "/dev/null", false});
  }
  for (int channel : options_.imex_channel_ids) {
    out.mounts.push_back(
        {absl::StrCat(kDeviceListDir, "/imex/", channel), "/dev/null", false});
  }
}

void Allocator::AddDeviceSpecs(const std::vector<const resources::Device*>& devices,
                               ContainerAllocation& out) const {
  for (const hostfs::DeviceNode& node : control_nodes_) {
    AddSpec(node.container_path, node.host_path, out.device_specs);
  }
  for (const resources::Device* device : devices) {
    for (const inventory::DeviceNodeRef& ref : device->device_nodes) {
      if (ref.found()) {
        AddSpec(ref.node->container_path, ref.node->host_path, out.device_specs);
      } else {
        AddSpec(absl::StrCat("/dev/", ref.name), options_.roots.DevicePath(ref.name),
                out.device_specs);
      }
    }
  }
  for (int channel : options_.imex_channel_ids) {
    std::string name = absl::StrCat(kImexChannelNode, channel);
    AddSpec(absl::StrCat("/dev/", name), options_.roots.DevicePath(name),
            out.device_specs);
  }
}

}  // namespace gpulet::allocation

#include "plugin/allocator_backend.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/absl_string_view.h"

namespace gpulet::plugin {

v1beta1::ContainerAllocateResponse ToProto(const allocation::ContainerAllocation& in) {
  v1beta1::ContainerAllocateResponse out;
  for (const auto& [key, value] : in.envs) (*out.mutable_envs())[key] = value;
  for (const allocation::Mount& mount : in.mounts) {
    v1beta1::Mount* m = out.add_mounts();
    m->set_container_path(mount.container_path);
    m->set_host_path(mount.host_path);
    m->set_read_only(mount.read_only);
  }
  for (const allocation::DeviceSpec& spec : in.device_specs) {
    v1beta1::DeviceSpec* d = out.add_devices();
    d->set_container_path(spec.container_path);
    d->set_host_path(spec.host_path);
    d->set_permissions(spec.permissions);
  }
  for (const auto& [key, value] : in.annotations) (*out.mutable_annotations())[key] = value;
  for (const std::string& name : in.cdi_devices) out.add_cdi_devices()->set_name(name);
  return out;
}

absl::StatusOr<v1beta1::ContainerAllocateResponse> AllocatorBackend::Allocate(
    const std::vector<std::string>& device_ids) const {
  absl::StatusOr<allocation::ContainerAllocation> allocation = allocator_.Allocate(device_ids);
  if (!allocation.ok()) return allocation.status();
  if (cdi_ != nullptr) {
    absl::Status in_spec = CheckCdiNames(*allocation, *cdi_->Devices(), cdi_->path());
    if (!in_spec.ok()) return in_spec;
  }
  return ToProto(*allocation);
}

absl::StatusOr<std::vector<std::string>> AllocatorBackend::PreferredAllocation(
    const std::vector<std::string>& available, const std::vector<std::string>& must_include,
    int size) const {
  return preferred_.Preferred(available, must_include, size);
}

absl::Status CheckCdiNames(const allocation::ContainerAllocation& allocation,
                           const CdiDeviceNames& spec, const std::string& path) {
  const std::string gpu_prefix = absl::StrCat(AsAbsl(allocation::kCdiVendor), "/",
                                              AsAbsl(kPluginCdiClass), "=");
  std::vector<std::string> names = allocation.cdi_devices;
  for (const auto& [key, value] : allocation.annotations) {
    for (absl::string_view name : absl::StrSplit(value, ',', absl::SkipEmpty())) {
      names.emplace_back(name);
    }
  }
  for (const std::string& name : names) {
    if (name.rfind(gpu_prefix, 0) == 0 && !spec.contains(name)) {
      return absl::UnavailableError(
          absl::StrCat("CDI device \"", name, "\" is not in the spec \"", path, "\""));
    }
  }
  return absl::OkStatus();
}

ResourceSpec SpecFromResourceSet(const resources::ResourceSet& set,
                                 std::shared_ptr<const ResourceBackend> backend) {
  ResourceSpec spec;
  spec.name = set.name().ToString();
  for (const resources::Device& device : set.devices()) {
    AdvertisedDevice advertised;
    advertised.id = device.id.ToString();
    advertised.healthy = device.health == resources::Health::kHealthy;
    if (device.numa_node.has_value()) advertised.numa_node = *device.numa_node;
    spec.devices.push_back(std::move(advertised));
    spec.health_keys.push_back(device.id.uuid());
  }
  spec.backend = std::move(backend);
  return spec;
}

}  // namespace gpulet::plugin

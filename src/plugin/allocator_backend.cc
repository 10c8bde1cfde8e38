#include "plugin/allocator_backend.h"

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
  return ToProto(*allocation);
}

absl::StatusOr<std::vector<std::string>> AllocatorBackend::PreferredAllocation(
    const std::vector<std::string>& available, const std::vector<std::string>& must_include,
    int size) const {
  return preferred_.Preferred(available, must_include, size);
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

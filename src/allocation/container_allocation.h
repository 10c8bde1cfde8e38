// ContainerAllocation: what one container gets from Allocate — the plain
// form of v1beta1.ContainerAllocateResponse, field for field, so that the
// gRPC side converts it 1:1 (envs → envs, mounts → mounts, device_specs →
// devices, annotations → annotations, cdi_devices → cdi_devices[].name).
//
// Plain values; maps are ordered so that outputs are deterministic.
#ifndef GPULET_ALLOCATION_CONTAINER_ALLOCATION_H_
#define GPULET_ALLOCATION_CONTAINER_ALLOCATION_H_

#include <map>
#include <string>
#include <vector>

namespace gpulet::allocation {

struct Mount {
  std::string container_path;
  std::string host_path;
  bool read_only = false;
  friend bool operator==(const Mount&, const Mount&) = default;
};

struct DeviceSpec {
  std::string container_path;
  std::string host_path;
  std::string permissions;  // "rw"
  friend bool operator==(const DeviceSpec&, const DeviceSpec&) = default;
};

struct ContainerAllocation {
  std::map<std::string, std::string> envs;
  std::vector<Mount> mounts;
  std::vector<DeviceSpec> device_specs;
  std::map<std::string, std::string> annotations;
  // Fully qualified CDI device names, "k8s.device-plugin.nvidia.com/gpu=...".
  std::vector<std::string> cdi_devices;
  friend bool operator==(const ContainerAllocation&,
                         const ContainerAllocation&) = default;
};

}  // namespace gpulet::allocation

#endif  // GPULET_ALLOCATION_CONTAINER_ALLOCATION_H_

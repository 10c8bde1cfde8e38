// The Allocation section of `gpulet doctor --allocate N`: what the kubelet
// would receive for one container asking for N of a resource, produced by
// the device plugin's own backends (plugin::NodeResourceSource, the
// ResourceSource of `gpulet device-plugin`): the devices its
// GetPreferredAllocation picks among the healthy ones, then its Allocate
// response — environment, mounts, device specs, annotations, CDI devices.
//
// The source is built without the plugin's CDI spec writer, so nothing is
// written; the CDI section compares the spec on disk instead. The CDI
// annotation key ends in a random UUID, as each real Allocate does.
//
// Thread-compatible.
#ifndef GPULET_DOCTOR_ALLOCATION_PREVIEW_H_
#define GPULET_DOCTOR_ALLOCATION_PREVIEW_H_

#include <string>

#include "config/config.h"
#include "config/environment.h"
#include "deviceplugin/v1beta1/api.pb.h"
#include "doctor/doctor_report.h"
#include "inventory/node_source.h"

namespace gpulet::doctor {

struct AllocationRequest {
  int count = 1;
  std::string resource;  // "" = the first resource the plugin advertises
};

// The response as ordered JSON: envs and annotations sorted by key.
nlohmann::ordered_json AllocateResponseToJson(const v1beta1::ContainerAllocateResponse& response);

// Adds the Allocation section. A request the plugin would refuse (more
// devices than are healthy, a sharing rule) is a problem that does not
// block: other pod sizes may still fit.
void PreviewAllocation(const inventory::NodeSource& node, const ConfigFlags& flags,
                       const Environment& env, const Config& config,
                       const AllocationRequest& request, DoctorReport& report);

}  // namespace gpulet::doctor

#endif  // GPULET_DOCTOR_ALLOCATION_PREVIEW_H_

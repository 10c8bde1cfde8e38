// The Resources section of `gpulet doctor`: the resources the device
// plugin would advertise on this node under the current config — names,
// device counts, replicas and sharing, and how many devices start healthy —
// built by resources::BuildResourceSets from plugin::ToResourceOptions, the
// device plugin's own path.
//
// Pure function of the Inventory and the Config; thread-compatible.
#ifndef GPULET_DOCTOR_RESOURCE_CHECKS_H_
#define GPULET_DOCTOR_RESOURCE_CHECKS_H_

#include "absl/status/statusor.h"
#include "config/config.h"
#include "doctor/doctor_report.h"
#include "inventory/inventory.h"
#include "resources/resource_set.h"

namespace gpulet::doctor {

// Adds the Resources section and returns the sets (the error of
// BuildResourceSets, already reported, when they cannot be built). No
// resource, or no healthy device in any, is a blocking problem; an
// unhealthy device among healthy ones is a problem that is not.
absl::StatusOr<resources::ResourceSets> CheckResources(const inventory::Inventory& inventory,
                                                       const Config& config,
                                                       DoctorReport& report);

}  // namespace gpulet::doctor

#endif  // GPULET_DOCTOR_RESOURCE_CHECKS_H_

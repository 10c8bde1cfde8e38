// The Labels and NFD sections of `gpulet doctor`: the node labels feature
// discovery would publish (labels::NewGfdLabeler over the same inventory
// and GFD's own config merge), and NFD's side — whether the features.d
// directory exists and whether the label file there is current, parses
// under nfd-worker's rules and has not expired.
//
// Reads the host through the HostView; thread-compatible.
#ifndef GPULET_DOCTOR_LABEL_CHECKS_H_
#define GPULET_DOCTOR_LABEL_CHECKS_H_

#include <chrono>
#include <memory>

#include "absl/status/statusor.h"
#include "config/config.h"
#include "doctor/doctor_report.h"
#include "hostfs/host_view.h"
#include "inventory/inventory.h"
#include "labels/labeler.h"

namespace gpulet::doctor {

// Adds the Labels section; `inventory` null labels a node without GPUs, as
// feature discovery does with --fail-on-init-error=false. Returns the
// labels, or the error already reported.
absl::StatusOr<labels::LabelMap> CheckLabels(std::shared_ptr<const inventory::Inventory> inventory,
                                             const Config& gfd, const hostfs::HostView& host,
                                             DoctorReport& report);

// Adds the NFD section: gfd.output_file (a host path) compared with
// `labels` (null when they could not be computed) at `now`.
void CheckNfd(const Config& gfd, const labels::LabelMap* labels, const hostfs::HostView& host,
              std::chrono::system_clock::time_point now, DoctorReport& report);

}  // namespace gpulet::doctor

#endif  // GPULET_DOCTOR_LABEL_CHECKS_H_

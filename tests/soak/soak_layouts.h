// SoakLayouts: the two MIG layouts the soak switches the mock machine
// between — the shipped dgx-a100-mig profile (a mixed layout) and the same
// machine with the MIG devices of GPUs 4 and 7 destroyed — and, for each,
// which GPU every advertised UUID belongs to.
//
// Value types; thread-compatible.
#ifndef GPULET_TESTS_SOAK_SOAK_LAYOUTS_H_
#define GPULET_TESTS_SOAK_SOAK_LAYOUTS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace gpulet::soak {

struct Layout {
  std::string profile_yaml;
  std::map<std::string, int> gpu_of;  // GPU and MIG UUIDs -> GPU index
  std::set<std::string> mig_uuids;
  std::vector<std::string> gpu_uuids;  // index order
};

// [0]: the shipped profile read from `machines_dir`; [1]: the re-layout.
// Errors: NotFound for a missing profile, InvalidArgument when either text
// does not parse as a machine profile.
absl::StatusOr<std::vector<Layout>> SoakLayouts(const std::string& machines_dir);

// GPUs with devices to advertise in both layouts: the targets of health
// faults, whose effect must be visible whatever the layout.
std::vector<int> StableGpus();

}  // namespace gpulet::soak

#endif  // GPULET_TESTS_SOAK_SOAK_LAYOUTS_H_

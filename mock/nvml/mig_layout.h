// Parsing of a GPU's `mig:` section in a machine profile: MIG mode, the
// profile table of the model and the MIG devices with their GPU instance
// and compute instance ids, profiles and placements.
//
// Checks what the driver would never report: unknown profiles, GPU
// instances that overlap or exceed the profile's instance count, compute
// instances that do not fit their GPU instance, and MIG devices on a GPU
// whose MIG mode is disabled. Stateless; thread-safe.
#ifndef GPULET_MOCK_NVML_MIG_LAYOUT_H_
#define GPULET_MOCK_NVML_MIG_LAYOUT_H_

#include "absl/status/status.h"
#include "mock/nvml/machine_profile.h"
#include "mock/nvml/yaml_field.h"

namespace gpulet::mock {

// Fills `mig` from `f` (the GPU's "mig" field). InvalidArgument naming the
// field on any error.
absl::Status ParseMigLayout(const YamlField& f, MigProfile* mig);

}  // namespace gpulet::mock

#endif  // GPULET_MOCK_NVML_MIG_LAYOUT_H_

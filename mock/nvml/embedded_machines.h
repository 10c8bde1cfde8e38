// The machine profiles of mock/machines/, compiled into the mock library so
// that it works without the source tree. The definition is generated at
// build time from the YAML files (mock/nvml/embed_machines.cmake).
//
// Immutable; thread-safe.
#ifndef GPULET_MOCK_NVML_EMBEDDED_MACHINES_H_
#define GPULET_MOCK_NVML_EMBEDDED_MACHINES_H_

#include <string_view>
#include <vector>

namespace gpulet::mock {

struct EmbeddedMachine {
  std::string_view name;  // file name without ".yaml", e.g. "dgx-h100"
  std::string_view yaml;
};

// Sorted by name.
const std::vector<EmbeddedMachine>& EmbeddedMachines();

}  // namespace gpulet::mock

#endif  // GPULET_MOCK_NVML_EMBEDDED_MACHINES_H_

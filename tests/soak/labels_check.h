// CheckLabelsFile: what another process sees of the features.d file at one
// instant — a file nfd-worker (another user) can read and that is whole:
// every line "key=value", the last one ended, and the keys every pass
// writes present.
//
// A free function over the file; thread-compatible.
#ifndef GPULET_TESTS_SOAK_LABELS_CHECK_H_
#define GPULET_TESTS_SOAK_LABELS_CHECK_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace gpulet::soak {

struct LabelsFile {
  bool exists = false;
  std::optional<int> replicas;  // nvidia.com/gpu.replicas
};

// NotFound is not an error (exists = false). DataLoss names what is
// incomplete; PermissionDenied a mode another user cannot read.
absl::StatusOr<LabelsFile> CheckLabelsFile(const std::string& path);

// The same checks over text, for the file's content.
absl::StatusOr<LabelsFile> CheckLabelsText(const std::string& text);

}  // namespace gpulet::soak

#endif  // GPULET_TESTS_SOAK_LABELS_CHECK_H_

// GpuModelTable: the GPU model names of one cluster (P100, T4, G2, ...), each
// given a small index so that a pod's allowed models fit in a bit mask.
//
// Built once while the node list is read, then only read; a const table is
// safe to share between threads.
#ifndef GPULET_SCHED_GPU_MODEL_TABLE_H_
#define GPULET_SCHED_GPU_MODEL_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"

namespace gpulet::sched {

// Bit i set = model i allowed. 0 means "any model".
using ModelMask = uint32_t;

class GpuModelTable {
 public:
  static constexpr int kMaxModels = 32;

  // Returns the index of `name`, adding it when new. InvalidArgument for an
  // empty name, ResourceExhausted past kMaxModels models.
  absl::StatusOr<int> Intern(absl::string_view name);

  // The index of `name`, or nullopt when the cluster has no such model.
  std::optional<int> Find(absl::string_view name) const;

  // Parses a `|`-separated list ("V100M16|V100M32") into a mask; empty text
  // is 0 (any model). InvalidArgument names the first unknown model.
  absl::StatusOr<ModelMask> ParseMask(absl::string_view spec) const;

  const std::string& name(int index) const { return names_[index]; }
  int size() const { return static_cast<int>(names_.size()); }

 private:
  std::vector<std::string> names_;
};

}  // namespace gpulet::sched

#endif  // GPULET_SCHED_GPU_MODEL_TABLE_H_

#include "sched/gpu_model_table.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace gpulet::sched {

absl::StatusOr<int> GpuModelTable::Intern(absl::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("empty GPU model name");
  if (std::optional<int> index = Find(name)) return *index;
  if (size() >= kMaxModels) {
    return absl::ResourceExhaustedError(
        absl::StrCat("more than ", kMaxModels, " GPU models; '", name,
                     "' does not fit"));
  }
  names_.emplace_back(name);
  return size() - 1;
}

std::optional<int> GpuModelTable::Find(absl::string_view name) const {
  for (int i = 0; i < size(); ++i) {
    if (names_[i] == name) return i;
  }
  return std::nullopt;
}

absl::StatusOr<ModelMask> GpuModelTable::ParseMask(
    absl::string_view spec) const {
  ModelMask mask = 0;
  if (spec.empty()) return mask;
  for (absl::string_view part : absl::StrSplit(spec, '|')) {
    std::optional<int> index = Find(part);
    if (!index) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown GPU model '", part, "'"));
    }
    mask |= ModelMask{1} << *index;
  }
  return mask;
}

}  // namespace gpulet::sched

#include "resources/resource_options.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"

namespace gpulet::resources {

absl::StatusOr<MigStrategy> ParseMigStrategy(std::string_view text) {
  if (text == "none") return MigStrategy::kNone;
  if (text == "single") return MigStrategy::kSingle;
  if (text == "mixed") return MigStrategy::kMixed;
  return absl::InvalidArgumentError(
      absl::StrCat("migStrategy: unknown strategy \"", AsAbsl(text),
                   "\" (want none, single or mixed)"));
}

std::string_view MigStrategyName(MigStrategy strategy) {
  switch (strategy) {
    case MigStrategy::kNone:
      return "none";
    case MigStrategy::kSingle:
      return "single";
    case MigStrategy::kMixed:
      return "mixed";
  }
  return "none";
}

std::string_view SharingStrategyName(SharingStrategy strategy) {
  switch (strategy) {
    case SharingStrategy::kNone:
      return "none";
    case SharingStrategy::kTimeSlicing:
      return "time-slicing";
    case SharingStrategy::kMps:
      return "mps";
  }
  return "none";
}

}  // namespace gpulet::resources

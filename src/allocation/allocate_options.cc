#include "allocation/allocate_options.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/absl_string_view.h"

namespace gpulet::allocation {

absl::StatusOr<DeviceListStrategies> DeviceListStrategies::Parse(
    const std::vector<std::string>& names) {
  DeviceListStrategies out;
  out.envvar = false;
  bool any = false;
  for (const std::string& entry : names) {
    for (absl::string_view name : absl::StrSplit(entry, ',', absl::SkipWhitespace())) {
      name = absl::StripAsciiWhitespace(name);
      if (name == "envvar") {
        out.envvar = true;
      } else if (name == "volume-mounts") {
        out.volume_mounts = true;
      } else if (name == "cdi-annotations") {
        out.cdi_annotations = true;
      } else if (name == "cdi-cri") {
        out.cdi_cri = true;
      } else {
        return absl::InvalidArgumentError(absl::StrCat(
            "--device-list-strategy: unknown strategy \"", name,
            "\" (want envvar, volume-mounts, cdi-annotations or cdi-cri)"));
      }
      any = true;
    }
  }
  if (!any) {
    return absl::InvalidArgumentError("--device-list-strategy: no strategy given");
  }
  return out;
}

absl::StatusOr<DeviceIdStrategy> ParseDeviceIdStrategy(std::string_view text) {
  if (text == "uuid") return DeviceIdStrategy::kUuid;
  if (text == "index") return DeviceIdStrategy::kIndex;
  return absl::InvalidArgumentError(
      absl::StrCat("--device-id-strategy: unknown strategy \"", AsAbsl(text),
                   "\" (want uuid or index)"));
}

}  // namespace gpulet::allocation

#include "cdi/feature_flags.h"

#include "absl/strings/str_cat.h"

namespace gpulet::cdi {

FeatureFlags FeatureFlags::Parse(const std::vector<std::string>& names,
                                 std::vector<std::string>* warnings) {
  FeatureFlags flags;
  auto warn = [warnings](std::string line) {
    if (warnings != nullptr) warnings->push_back(std::move(line));
  };
  for (const std::string& name : names) {
    if (name == kNoAdditionalGidsFlag) {
      flags.additional_gids = false;
    } else if (name == kDisableIpcDiscovererFlag) {
      flags.ipc_sockets = false;
    } else if (name == "disable-nvsandboxutils" || name == "disable-nvsandbox-utils" ||
               name == "disable-multiple-csv-devices" || name.empty()) {
      // What these switch off, gpulet never does.
    } else if (name == "enable-explicit-driver-libraries") {
      flags.explicit_driver_libraries = true;
    } else if (name == "enable-coherent-annotations") {
      warn(absl::StrCat("feature flag \"", name, "\" is not implemented by gpulet; ignored"));
    } else {
      warn(absl::StrCat("feature flag \"", name,
                        "\" is not one nvidia-ctk knows (no-additional-gids-for-device-nodes, "
                        "disable-ipc-discoverer, disable-nvsandboxutils, "
                        "disable-multiple-csv-devices, enable-explicit-driver-libraries, "
                        "enable-coherent-annotations); ignored"));
    }
  }
  return flags;
}

}  // namespace gpulet::cdi

#include "nvml/nvml_types.h"

#include "absl/strings/str_format.h"

namespace gpulet::nvml {

std::string FabricInfo::ClusterUuidString() const {
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < cluster_uuid.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    absl::StrAppendFormat(&out, "%02x", cluster_uuid[i]);
  }
  return out;
}

}  // namespace gpulet::nvml

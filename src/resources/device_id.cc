#include "resources/device_id.h"

#include <cctype>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"

namespace gpulet::resources {
namespace {

constexpr std::string_view kReplicaSeparator = "::";

bool ValidUuid(std::string_view uuid) {
  if (uuid.empty()) return false;
  for (char c : uuid) {
    if (c == ':' || std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<DeviceId> DeviceId::Parse(std::string_view text) {
  std::string_view uuid = text;
  std::optional<int> replica;
  if (size_t sep = text.find(kReplicaSeparator); sep != std::string_view::npos) {
    uuid = text.substr(0, sep);
    std::string_view number = text.substr(sep + kReplicaSeparator.size());
    int n = 0;
    if (number.empty() || !absl::SimpleAtoi(AsAbsl(number), &n) || n < 0 ||
        number.find_first_not_of("0123456789") != std::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "device ID \"", AsAbsl(text), "\": replica after \"::\" is not a number"));
    }
    replica = n;
  }
  if (!ValidUuid(uuid)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "device ID \"", AsAbsl(text),
        "\" is not a UUID or \"<UUID>::<replica>\""));
  }
  return replica.has_value() ? DeviceId(std::string(uuid), *replica)
                             : DeviceId(std::string(uuid));
}

std::string DeviceId::ToString() const {
  if (!replica_.has_value()) return uuid_;
  return absl::StrCat(uuid_, AsAbsl(kReplicaSeparator), *replica_);
}

}  // namespace gpulet::resources

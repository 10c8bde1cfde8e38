#include "config/sharing.h"

#include <cctype>
#include <string>

#include "absl/status/status.h"

namespace gpulet {
namespace {

constexpr std::string_view kPrefix = "nvidia.com/";
constexpr size_t kMaxResourceNameLength = 63;

bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

bool IsValidNamePart(std::string_view part) {
  if (part.empty() || !IsAlnum(part.front()) || !IsAlnum(part.back())) return false;
  for (char c : part) {
    if (!IsAlnum(c) && c != '-' && c != '.') return false;
  }
  return true;
}

void Finalize(std::string_view section, ReplicatedResources& resources,
              bool fail_default, std::vector<std::string>* warnings) {
  if (!resources.fail_requests_greater_than_one.has_value()) {
    resources.fail_requests_greater_than_one = fail_default;
  }
  for (ReplicatedResource& r : resources.resources) {
    std::string where = "sharing." + std::string(section) + " resource \"" + r.name + "\"";
    std::string rename = resources.rename_by_default ? r.name + ".shared" : "";
    if (!r.rename.empty() && r.rename != rename) {
      warnings->push_back(where + ": rename \"" + r.rename +
                          "\" ignored (NVIDIA disables per-resource renaming)");
    }
    r.rename = rename;
    if (!r.devices.all) {
      warnings->push_back(where + ": devices other than \"all\" ignored "
                          "(NVIDIA shares every device of the resource)");
      r.devices = ReplicatedDevices{};
    }
  }
}

}  // namespace

SharingStrategy Sharing::Strategy() const {
  if (!mps.resources.empty()) return SharingStrategy::kMps;
  if (!time_slicing.resources.empty()) return SharingStrategy::kTimeSlicing;
  return SharingStrategy::kNone;
}

const ReplicatedResources& Sharing::Active() const {
  return Strategy() == SharingStrategy::kMps ? mps : time_slicing;
}

const ReplicatedResource* Sharing::Find(std::string_view resource_name) const {
  for (const ReplicatedResource& r : Active().resources) {
    if (r.name == resource_name) return &r;
  }
  return nullptr;
}

absl::StatusOr<std::string> NormalizeResourceName(std::string_view name) {
  std::string full(name);
  if (full.find('/') == std::string::npos) full.insert(0, kPrefix);
  auto invalid = [&](std::string_view why) {
    return absl::InvalidArgumentError("invalid resource name \"" + std::string(name) +
                                      "\": " + std::string(why));
  };
  if (full.compare(0, kPrefix.size(), kPrefix) != 0) {
    return invalid("the prefix must be nvidia.com/");
  }
  if (full.size() > kMaxResourceNameLength) {
    return invalid("longer than 63 characters with the nvidia.com/ prefix");
  }
  if (!IsValidNamePart(std::string_view(full).substr(kPrefix.size()))) {
    return invalid("the name must be alphanumeric at both ends with only '-' "
                   "and '.' inside");
  }
  return full;
}

void FinalizeSharing(Sharing& sharing, std::vector<std::string>* warnings) {
  Finalize("timeSlicing", sharing.time_slicing, false, warnings);
  Finalize("mps", sharing.mps, true, warnings);
}

}  // namespace gpulet

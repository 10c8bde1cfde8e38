#include "cdi/spec_version.h"

#include <cctype>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"

namespace gpulet::cdi {
namespace {

constexpr SpecVersion kReleased[] = {
    {0, 1, 0}, {0, 2, 0}, {0, 3, 0}, {0, 4, 0}, {0, 5, 0}, {0, 6, 0},
    {0, 7, 0}, {0, 8, 0}, {1, 0, 0}, {1, 1, 0}};

bool UsesMountType(const ContainerEdits& edits) {
  for (const Mount& mount : edits.mounts) {
    if (!mount.type.empty()) return true;
  }
  return false;
}

bool UsesHostPath(const ContainerEdits& edits) {
  for (const DeviceNode& node : edits.device_nodes) {
    if (!node.host_path.empty()) return true;
  }
  return false;
}

bool UsesRdt11(const ContainerEdits& edits) {
  return edits.intel_rdt.has_value() &&
         (!edits.intel_rdt->schemata.empty() || edits.intel_rdt->enable_monitoring);
}

// The minimum for one set of edits, given the floor so far.
SpecVersion EditsMinimum(const ContainerEdits& edits, SpecVersion floor) {
  SpecVersion needed = floor;
  auto raise = [&needed](SpecVersion v) { if (needed < v) needed = v; };
  if (UsesMountType(edits)) raise({0, 4, 0});
  if (UsesHostPath(edits)) raise({0, 5, 0});
  if (!edits.additional_gids.empty() || edits.intel_rdt.has_value()) raise({0, 7, 0});
  if (!edits.net_devices.empty() || UsesRdt11(edits)) raise({1, 1, 0});
  return needed;
}

}  // namespace

absl::StatusOr<SpecVersion> SpecVersion::Parse(std::string_view text) {
  std::string_view bare = text;
  if (!bare.empty() && bare.front() == 'v') bare.remove_prefix(1);
  for (const SpecVersion& version : kReleased) {
    if (version.ToString() == bare) return version;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "cdiVersion \"", AsAbsl(text),
      "\" is not a released CDI version (0.1.0 to 0.8.0, 1.0.0, 1.1.0)"));
}

SpecVersion SpecVersion::Latest() { return kReleased[std::size(kReleased) - 1]; }

std::string SpecVersion::ToString() const {
  return absl::StrCat(major_, ".", minor_, ".", patch_);
}

SpecVersion MinimumVersion(const Spec& spec) {
  SpecVersion needed(0, 3, 0);
  auto raise = [&needed](SpecVersion v) { if (needed < v) needed = v; };
  std::string_view kind = spec.kind;
  size_t slash = kind.find('/');
  if (slash != std::string_view::npos &&
      kind.substr(slash + 1).find('.') != std::string_view::npos) {
    raise({0, 6, 0});
  }
  if (!spec.annotations.empty()) raise({0, 6, 0});
  needed = EditsMinimum(spec.edits, needed);
  for (const Device& device : spec.devices) {
    if (!device.name.empty() &&
        std::isdigit(static_cast<unsigned char>(device.name.front()))) {
      raise({0, 5, 0});
    }
    if (!device.annotations.empty()) raise({0, 6, 0});
    needed = EditsMinimum(device.edits, needed);
  }
  return needed;
}

}  // namespace gpulet::cdi

#include "hostfs/device_node_finder.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "base/absl_string_view.h"
#include "hostfs/mig_minors.h"
#include "hostfs/mountinfo.h"
#include "hostfs/path.h"

namespace gpulet::hostfs {
namespace {

constexpr std::string_view kMountInfoPath = "/proc/self/mountinfo";

void AppendUnique(std::string root, std::vector<std::string>* roots) {
  if (std::find(roots->begin(), roots->end(), root) == roots->end()) {
    roots->push_back(std::move(root));
  }
}

// Host dirs whose "dev" is a tmpfs/devtmpfs mount, those under the driver
// root first: on a GPU Operator node that is where the driver container's
// nodes are.
absl::StatusOr<std::vector<std::string>> DevRootsFromMountInfo(
    const HostView& view, const DriverRoots& roots) {
  absl::StatusOr<std::string> text = view.ReadFile(kMountInfoPath);
  if (absl::IsNotFound(text.status())) return std::vector<std::string>();
  if (!text.ok()) return text.status();
  absl::StatusOr<std::vector<MountInfoEntry>> entries = ParseMountInfo(*text);
  if (!entries.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(AsAbsl(kMountInfoPath), ": ", entries.status().message()));
  }
  std::vector<std::string> dev_roots;
  for (const std::string& point : FindDevMountPoints(*entries)) {
    std::optional<std::string> host = view.ToHostPath(point);
    if (!host.has_value()) continue;  // not a mount of the host's files
    std::string parent = host->substr(0, host->size() - std::string_view("/dev").size());
    AppendUnique(parent.empty() ? "/" : std::move(parent), &dev_roots);
  }
  std::stable_partition(dev_roots.begin(), dev_roots.end(),
                        [&roots](const std::string& root) {
                          return IsUnderRoot(root, roots.driver_root());
                        });
  return dev_roots;
}

absl::Status CheckName(std::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(AsAbsl(name), '/');
  bool bad = name.empty() || name.front() == '/' ||
             std::any_of(parts.begin(), parts.end(), [](absl::string_view p) {
               return p.empty() || p == "." || p == "..";
             });
  if (bad) {
    return absl::InvalidArgumentError(absl::StrCat(
        "device node name \"", AsAbsl(name),
        "\" must be a relative path below /dev without \".\" or \"..\""));
  }
  return absl::OkStatus();
}

}  // namespace

DeviceNodeFinder::DeviceNodeFinder(HostView view,
                                   std::vector<std::string> dev_roots)
    : view_(std::move(view)), dev_roots_(std::move(dev_roots)) {}

absl::StatusOr<DeviceNodeFinder> DeviceNodeFinder::Create(
    HostView view, const DriverRoots& roots) {
  std::vector<std::string> dev_roots;
  AppendUnique(roots.dev_root(), &dev_roots);
  AppendUnique(roots.driver_root(), &dev_roots);
  ASSIGN_OR_RETURN(std::vector<std::string> mounted,
                   DevRootsFromMountInfo(view, roots));
  for (std::string& root : mounted) AppendUnique(std::move(root), &dev_roots);
  return DeviceNodeFinder(std::move(view), std::move(dev_roots));
}

absl::StatusOr<DeviceNode> DeviceNodeFinder::Find(std::string_view name) const {
  RETURN_IF_ERROR(CheckName(name));
  for (const std::string& root : dev_roots_) {
    std::string host_path = JoinPath(JoinPath(root, "dev"), name);
    absl::StatusOr<FileInfo> info = view_.Stat(host_path);
    if (!info.ok() || info->type == FileInfo::Type::kDirectory) continue;
    return DeviceNode{std::string(name), std::move(host_path),
                      JoinPath("/dev", name), *info};
  }
  return absl::NotFoundError(
      absl::StrCat("device node \"", AsAbsl(name), "\" not found under the dev roots \"",
                   absl::StrJoin(dev_roots_, "\", \""), "\""));
}

absl::StatusOr<DeviceNode> DeviceNodeFinder::FindGpu(int minor) const {
  if (minor < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("GPU minor number ", minor, " is negative"));
  }
  return Find(absl::StrCat("nvidia", minor));
}

absl::StatusOr<DeviceNode> DeviceNodeFinder::FindMigCap(int cap_minor) const {
  if (cap_minor < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("MIG capability minor number ", cap_minor, " is negative"));
  }
  return Find(MigMinors::DeviceNodeName(cap_minor));
}

std::vector<DeviceNode> DeviceNodeFinder::FindControlNodes() const {
  std::vector<DeviceNode> nodes;
  for (std::string_view name : kControlNodeNames) {
    absl::StatusOr<DeviceNode> node = Find(name);
    if (node.ok()) nodes.push_back(*std::move(node));
  }
  return nodes;
}

}  // namespace gpulet::hostfs

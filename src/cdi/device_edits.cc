#include "cdi/device_edits.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "hostfs/path.h"
#include "hostfs/pci_bus_id.h"

namespace gpulet::cdi {
namespace {

using HostNode = hostfs::DeviceNode;
using hostfs::FileInfo;

std::string DirName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == 0 ? "/" : std::string(path.substr(0, slash));
}

// Real nodes are character devices; fixture trees hold regular files.
bool IsNodeLike(const FileInfo& info) {
  return info.type == FileInfo::Type::kCharDevice ||
         info.type == FileInfo::Type::kRegular;
}

}  // namespace

DeviceEdits::DeviceEdits(const hostfs::HostFs& host, const HookFactory& hooks,
                         std::optional<hostfs::MigMinors> minors,
                         bool additional_gids)
    : host_(host), hooks_(hooks), minors_(std::move(minors)),
      additional_gids_(additional_gids) {}

void DeviceEdits::AddNode(const HostNode& node, ContainerEdits& edits) const {
  cdi::DeviceNode out;
  out.path = node.container_path;
  // Left out when equal: parsers older than CDI 0.5.0 reject the field (#38).
  if (node.host_path != node.container_path) out.host_path = node.host_path;
  edits.device_nodes.push_back(std::move(out));
  bool world_rw = (node.info.mode & 0006) == 0006;
  if (additional_gids_ && !world_rw && node.info.gid != 0 &&
      std::find(edits.additional_gids.begin(), edits.additional_gids.end(),
                node.info.gid) == edits.additional_gids.end()) {
    edits.additional_gids.push_back(node.info.gid);
  }
}

void DeviceEdits::AddDrmNodes(const inventory::Gpu& gpu, ContainerEdits& edits) const {
  absl::StatusOr<hostfs::PciBusId> bus = hostfs::PciBusId::Parse(gpu.pci_bus_id);
  if (!bus.ok()) return;
  std::string sysfs_id = bus->ToSysfsString();
  absl::StatusOr<std::vector<std::string>> entries =
      host_.view().ListDirectory(absl::StrCat("/sys/bus/pci/devices/", sysfs_id, "/drm"));
  if (!entries.ok()) return;  // no display engine, or the DRM driver is not loaded
  std::vector<std::string> links;
  for (const std::string& entry : *entries) {
    absl::StatusOr<HostNode> node = host_.device_nodes().Find("dri/" + entry);
    if (!node.ok()) continue;  // controlD* on old kernels has no node (#40)
    AddNode(*node, edits);
    std::string_view kind = absl::StartsWith(entry, "card") ? "card"
                            : absl::StartsWith(entry, "renderD") ? "render" : "";
    if (kind.empty()) continue;
    std::string by_path = absl::StrCat("by-path/pci-", sysfs_id, "-",
                                       absl::string_view(kind.data(), kind.size()));
    absl::StatusOr<std::string> target =
        host_.view().ReadLink(hostfs::JoinPath(DirName(node->host_path), by_path));
    if (target.ok() && absl::EndsWith(*target, "/" + entry)) {
      links.push_back(absl::StrCat(*target, "::/dev/dri/", by_path));
    }
  }
  if (links.empty()) return;
  std::vector<std::string> args;
  for (std::string& link : links) {
    args.push_back("--link");
    args.push_back(std::move(link));
  }
  if (auto hook = hooks_.Make(kCreateSymlinksHook, std::move(args))) {
    edits.hooks.push_back(*std::move(hook));
  }
}

// Mode 755 on the nested device dirs the device uses, in order of first
// use, as nvidia-ctk writes it; no hook when there are none.
void DeviceEdits::AddChmodHook(ContainerEdits& edits) const {
  std::vector<std::string> args = {"--mode", "755"};
  for (const cdi::DeviceNode& node : edits.device_nodes) {
    std::string dir = DirName(node.path);
    if (dir != "/dev/dri" && dir != "/dev/nvidia-caps") continue;
    if (std::find(args.begin(), args.end(), dir) != args.end()) continue;
    args.push_back("--path");
    args.push_back(std::move(dir));
  }
  if (args.size() == 2) return;
  if (auto hook = hooks_.Make(kChmodHook, std::move(args))) {
    edits.hooks.push_back(*std::move(hook));
  }
}

absl::StatusOr<ContainerEdits> DeviceEdits::ForGpu(const inventory::Gpu& gpu) const {
  ContainerEdits edits;
  ASSIGN_OR_RETURN(HostNode node, host_.device_nodes().FindGpu(gpu.minor));
  AddNode(node, edits);
  AddDrmNodes(gpu, edits);
  AddChmodHook(edits);
  return edits;
}

absl::StatusOr<ContainerEdits> DeviceEdits::ForMig(const inventory::Gpu& parent,
                                                   const inventory::MigDevice& mig) const {
  if (!minors_.has_value()) {
    return absl::NotFoundError(absl::StrCat(
        "MIG device ", mig.uuid,
        ": /proc/driver/nvidia-caps/mig-minors is missing or unreadable"));
  }
  ContainerEdits edits;
  ASSIGN_OR_RETURN(HostNode gpu_node, host_.device_nodes().FindGpu(parent.minor));
  AddNode(gpu_node, edits);
  const int minor = static_cast<int>(parent.minor);
  const int gi = static_cast<int>(mig.gpu_instance_id);
  for (hostfs::MigCapId cap : {hostfs::MigCapId{minor, gi, std::nullopt},
                               hostfs::MigCapId{minor, gi, static_cast<int>(mig.compute_instance_id)}}) {
    std::optional<int> cap_minor = minors_->Find(cap);
    if (!cap_minor.has_value()) {
      return absl::NotFoundError(absl::StrCat("MIG device ", mig.uuid, ": \"",
                                              cap.ToString(), "\" is not in mig-minors"));
    }
    ASSIGN_OR_RETURN(HostNode node, host_.device_nodes().FindMigCap(*cap_minor));
    AddNode(node, edits);
  }
  if (absl::StrContains(mig.profile, "+gfx")) AddDrmNodes(parent, edits);
  AddChmodHook(edits);
  return edits;
}

ContainerEdits DeviceEdits::ControlNodes() const {
  ContainerEdits edits;
  for (const HostNode& node : host_.device_nodes().FindControlNodes()) {
    AddNode(node, edits);
  }
  return edits;
}

absl::StatusOr<ContainerEdits> DeviceEdits::AllNodes() const {
  std::vector<std::string> names;
  for (const std::string& root : host_.device_nodes().dev_roots()) {
    for (std::string_view sub : {"", "nvidia-caps", "nvidia-caps-imex-channels"}) {
      std::string dir = hostfs::JoinPath(hostfs::JoinPath(root, "dev"), sub);
      absl::StatusOr<std::vector<std::string>> entries = host_.view().ListDirectory(dir);
      if (!entries.ok()) continue;
      for (const std::string& entry : *entries) {
        bool wanted = sub.empty() ? absl::StartsWith(entry, "nvidia") &&
                                        !absl::StartsWith(entry, "nvidia-fs") &&
                                        !absl::StartsWith(entry, "nvidia-nvswitch") &&
                                        !absl::StartsWith(entry, "nvidia-nvlink")
                  : sub == "nvidia-caps" ? absl::StartsWith(entry, "nvidia-cap")
                                         : absl::StartsWith(entry, "channel");
        if (!wanted) continue;
        std::string name = sub.empty() ? entry : absl::StrCat(std::string(sub), "/", entry);
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
      }
    }
  }
  ContainerEdits edits;
  for (const std::string& name : names) {
    absl::StatusOr<HostNode> node = host_.device_nodes().Find(name);
    if (node.ok() && IsNodeLike(node->info)) AddNode(*node, edits);
  }
  if (edits.device_nodes.empty()) {
    return absl::NotFoundError("management mode: no /dev/nvidia* device node found");
  }
  AddChmodHook(edits);
  return edits;
}

}  // namespace gpulet::cdi

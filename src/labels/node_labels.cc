#include "labels/node_labels.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "base/absl_format.h"
#include "hostfs/pci_bus_id.h"
#include "labels/label_syntax.h"
#include "spdlog/spdlog.h"

namespace gpulet::labels {
namespace {

using inventory::Gpu;
using inventory::Inventory;

std::string GpuMode(const Gpu& gpu, const hostfs::HostView& host) {
  absl::StatusOr<hostfs::PciBusId> id = hostfs::PciBusId::Parse(gpu.pci_bus_id);
  if (!id.ok()) return "unknown";
  absl::StatusOr<std::string> text =
      host.ReadFile("/sys/bus/pci/devices/" + id->ToSysfsString() + "/class");
  if (!text.ok()) return "unknown";
  std::string cls = absl::AsciiStrToLower(absl::StripAsciiWhitespace(*text));
  // The class file holds "0x" + class + subclass + prog-if, e.g. 0x030200.
  if (cls.rfind("0x0300", 0) == 0) return "graphics";
  if (cls.rfind("0x0302", 0) == 0) return "compute";
  return "unknown";
}

}  // namespace

LabelMap VersionLabels(const Inventory& inventory) {
  LabelMap out;
  const std::string& version = inventory.driver_version;
  std::vector<std::string> parts = absl::StrSplit(version, '.');
  bool parts_ok = parts.size() == 2 || parts.size() == 3;
  for (const std::string& part : parts) parts_ok = parts_ok && IsValidLabelValue(part);
  if (parts_ok && !version.empty()) {
    std::string rev = parts.size() == 3 ? parts[2] : "";
    out["nvidia.com/cuda.driver.major"] = parts[0];
    out["nvidia.com/cuda.driver.minor"] = parts[1];
    out["nvidia.com/cuda.driver.rev"] = rev;
    out["nvidia.com/cuda.driver-version.major"] = parts[0];
    out["nvidia.com/cuda.driver-version.minor"] = parts[1];
    out["nvidia.com/cuda.driver-version.revision"] = rev;
  } else {
    spdlog::warn("driver version \"{}\" is not X.Y[.Z]; no cuda.driver labels", version);
  }
  if (IsValidLabelValue(version)) out["nvidia.com/cuda.driver-version.full"] = version;
  int cuda = inventory.cuda_driver_version;
  if (cuda > 0) {
    std::string major = std::to_string(cuda / 1000);
    std::string minor = std::to_string(cuda % 1000 / 10);
    out["nvidia.com/cuda.runtime.major"] = major;
    out["nvidia.com/cuda.runtime.minor"] = minor;
    out["nvidia.com/cuda.runtime-version.major"] = major;
    out["nvidia.com/cuda.runtime-version.minor"] = minor;
    out["nvidia.com/cuda.runtime-version.full"] = major + "." + minor;
  }
  return out;
}

LabelMap MigCapableLabels(const Inventory& inventory) {
  bool capable = false;
  for (const Gpu& gpu : inventory.gpus) capable = capable || gpu.mig_capable;
  return {{"nvidia.com/mig.capable", capable ? "true" : "false"}};
}

LabelMap MpsCapableLabels(const Inventory& inventory, const Sharing& sharing) {
  bool capable = sharing.Strategy() == SharingStrategy::kMps;
  for (const Gpu& gpu : inventory.gpus) {
    if (capable && gpu.mig_enabled) {
      spdlog::warn("MPS sharing is configured but GPU {} has MIG enabled; "
                   "labelling mps.capable=false", gpu.index);
      capable = false;
    }
  }
  return {{"nvidia.com/mps.capable", capable ? "true" : "false"}};
}

LabelMap GpuModeLabels(const Inventory& inventory, const hostfs::HostView& host) {
  std::string mode;
  for (const Gpu& gpu : inventory.gpus) {
    std::string this_mode = GpuMode(gpu, host);
    mode = mode.empty() || mode == this_mode ? this_mode : "unknown";
  }
  if (mode.empty()) return {};
  return {{"nvidia.com/gpu.mode", mode}};
}

LabelMap MachineTypeLabels(const hostfs::HostView& host,
                           std::string_view machine_type_file) {
  std::string value;
  absl::StatusOr<std::string> text = host.ReadFile(machine_type_file);
  if (text.ok()) {
    std::string_view line = *text;
    value = ToLabelValue({line.substr(0, line.find('\n'))});
  } else {
    spdlog::debug("machine type: {}", text.status().message());
  }
  return {{"nvidia.com/gpu.machine", value.empty() ? "unknown" : value}};
}

}  // namespace gpulet::labels

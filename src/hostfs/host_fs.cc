#include "hostfs/host_fs.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/absl_string_view.h"
#include "hostfs/decimal.h"
#include "hostfs/nvml_library.h"

namespace gpulet::hostfs {
namespace {

constexpr std::string_view kDriverGpusDir = "/proc/driver/nvidia/gpus";
constexpr std::string_view kMigMinorsPath = "/proc/driver/nvidia-caps/mig-minors";
// Node ids are small; the bound only rejects garbage.
constexpr uint32_t kMaxNumaNode = 1u << 16;

}  // namespace

HostFs::HostFs(HostView view, DriverRoots roots, DeviceNodeFinder device_nodes)
    : view_(std::move(view)),
      roots_(std::move(roots)),
      device_nodes_(std::move(device_nodes)) {}

absl::StatusOr<HostFs> HostFs::Open(HostView view, DriverRoots roots) {
  ASSIGN_OR_RETURN(DeviceNodeFinder finder, DeviceNodeFinder::Create(view, roots));
  return HostFs(std::move(view), std::move(roots), std::move(finder));
}

absl::StatusOr<bool> HostFs::NvidiaDriverLoaded() const {
  absl::StatusOr<std::vector<std::string>> gpus =
      view_.ListDirectory(kDriverGpusDir);
  if (absl::IsNotFound(gpus.status())) return false;
  if (!gpus.ok()) return gpus.status();
  return !gpus->empty();
}

absl::StatusOr<MigMinors> HostFs::ReadMigMinors() const {
  ASSIGN_OR_RETURN(std::string text, view_.ReadFile(kMigMinorsPath));
  absl::StatusOr<MigMinors> minors = ParseMigMinors(text);
  if (!minors.ok()) {
    return absl::Status(minors.status().code(),
                        absl::StrCat(AsAbsl(kMigMinorsPath), ": ", minors.status().message()));
  }
  return minors;
}

absl::StatusOr<std::optional<int>> HostFs::ReadNumaNode(
    const PciBusId& bus_id) const {
  std::string path = absl::StrCat("/sys/bus/pci/devices/",
                                  bus_id.ToSysfsString(), "/numa_node");
  ASSIGN_OR_RETURN(std::string text, view_.ReadFile(path));
  std::string_view value = AsStd(absl::StripAsciiWhitespace(text));
  if (value == "-1") return std::optional<int>();
  std::optional<uint32_t> node = ParseDecimal(value, kMaxNumaNode);
  if (!node) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": \"", AsAbsl(value), "\" is not a NUMA node number or -1"));
  }
  return std::optional<int>(static_cast<int>(*node));
}

absl::StatusOr<std::string> HostFs::FindNvmlLibrary() const {
  return hostfs::FindNvmlLibrary(view_, roots_);
}

}  // namespace gpulet::hostfs

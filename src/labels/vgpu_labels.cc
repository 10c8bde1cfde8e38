#include "labels/vgpu_labels.h"

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "base/absl_format.h"
#include "hostfs/pci_config.h"
#include "labels/label_syntax.h"
#include "spdlog/spdlog.h"

namespace gpulet::labels {
namespace {

constexpr size_t kSignatureOffset = 3;  // after id, next pointer, length
constexpr size_t kFirstRecord = 5;
constexpr unsigned char kHostDriverRecord = 0;
constexpr size_t kFieldLength = 10;

std::string TrimNuls(std::string_view field) {
  const size_t begin = field.find_first_not_of('\0');
  if (begin == std::string_view::npos) return "";
  const size_t end = field.find_last_not_of('\0');
  return std::string(field.substr(begin, end - begin + 1));
}

void AddIfValid(LabelMap& labels, const std::string& key, const std::string& value) {
  if (!value.empty() && IsValidLabelValue(value)) {
    labels[key] = value;
  } else {
    spdlog::warn("vGPU host driver field \"{}\" is not a valid label value; {} omitted",
                 absl::CHexEscape(value), key);
  }
}

}  // namespace

bool IsVgpuCapability(std::string_view capability) {
  return capability.size() >= kFirstRecord &&
         capability.substr(kSignatureOffset, 2) == "VF";
}

absl::StatusOr<VgpuHostDriver> ParseVgpuHostDriver(std::string_view capability) {
  size_t at = kFirstRecord;
  while (at < capability.size() &&
         static_cast<unsigned char>(capability[at]) != kHostDriverRecord) {
    if (at + 1 >= capability.size()) break;
    const size_t length = static_cast<unsigned char>(capability[at + 1]);
    if (length < 2) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "vGPU capability record at byte %d has length %d", at, length));
    }
    at += length;
  }
  if (at + 2 + 2 * kFieldLength > capability.size()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "vGPU capability of %d bytes ends before its host driver record",
        capability.size()));
  }
  const std::string_view data = capability.substr(at + 2, 2 * kFieldLength);
  return VgpuHostDriver{TrimNuls(data.substr(0, kFieldLength)),
                        TrimNuls(data.substr(kFieldLength))};
}

LabelMap VgpuLabels(const hostfs::HostView& host) {
  absl::StatusOr<std::vector<std::string>> functions = hostfs::ListNvidiaPciFunctions(host);
  if (!functions.ok()) {
    spdlog::debug("vGPU: {}", functions.status().message());
    return {};
  }
  bool any_read = false;
  for (const std::string& address : *functions) {
    absl::StatusOr<std::string> config = hostfs::ReadPciConfig(host, address);
    absl::StatusOr<std::optional<std::string_view>> capability =
        config.ok() ? hostfs::FindPciCapability(*config,
                                                hostfs::kPciCapabilityVendorSpecific)
                    : config.status();
    if (!capability.ok()) {
      spdlog::warn("vGPU: PCI {}: {}", address, capability.status().message());
      continue;
    }
    any_read = true;
    if (!capability->has_value() || !IsVgpuCapability(**capability)) continue;
    LabelMap labels = {{"nvidia.com/vgpu.present", "true"}};
    absl::StatusOr<VgpuHostDriver> driver = ParseVgpuHostDriver(**capability);
    if (!driver.ok()) {
      spdlog::warn("vGPU: PCI {}: {}", address, driver.status().message());
      return labels;
    }
    AddIfValid(labels, "nvidia.com/vgpu.host-driver-version", driver->version);
    AddIfValid(labels, "nvidia.com/vgpu.host-driver-branch", driver->branch);
    return labels;
  }
  if (!any_read) return {};
  return {{"nvidia.com/vgpu.present", "false"}};
}

}  // namespace gpulet::labels

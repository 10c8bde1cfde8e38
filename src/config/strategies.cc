#include "config/strategies.h"

#include <array>
#include <string>
#include <utility>

#include "absl/status/status.h"

namespace gpulet {
namespace {

template <typename Enum, size_t N>
using Names = std::array<std::pair<Enum, std::string_view>, N>;

constexpr Names<MigStrategy, 3> kMigStrategies{{
    {MigStrategy::kNone, "none"},
    {MigStrategy::kSingle, "single"},
    {MigStrategy::kMixed, "mixed"},
}};
constexpr Names<DeviceListStrategy, 4> kDeviceListStrategies{{
    {DeviceListStrategy::kEnvVar, "envvar"},
    {DeviceListStrategy::kVolumeMounts, "volume-mounts"},
    {DeviceListStrategy::kCdiAnnotations, "cdi-annotations"},
    {DeviceListStrategy::kCdiCri, "cdi-cri"},
}};
constexpr Names<DeviceIdStrategy, 2> kDeviceIdStrategies{{
    {DeviceIdStrategy::kUuid, "uuid"},
    {DeviceIdStrategy::kIndex, "index"},
}};
constexpr Names<DeviceDiscoveryStrategy, 4> kDiscoveryStrategies{{
    {DeviceDiscoveryStrategy::kAuto, "auto"},
    {DeviceDiscoveryStrategy::kNvml, "nvml"},
    {DeviceDiscoveryStrategy::kTegra, "tegra"},
    {DeviceDiscoveryStrategy::kVfio, "vfio"},
}};
constexpr Names<AllocationPolicy, 2> kAllocationPolicies{{
    {AllocationPolicy::kDistributed, "distributed"},
    {AllocationPolicy::kPacked, "packed"},
}};
constexpr Names<SharingStrategy, 3> kSharingStrategies{{
    {SharingStrategy::kNone, "none"},
    {SharingStrategy::kTimeSlicing, "time-slicing"},
    {SharingStrategy::kMps, "mps"},
}};

template <typename Enum, size_t N>
absl::StatusOr<Enum> Parse(const Names<Enum, N>& names, std::string_view what,
                           std::string_view text) {
  std::string accepted;
  for (const auto& [value, name] : names) {
    if (name == text) return value;
    accepted += accepted.empty() ? "" : ", ";
    accepted += name;
  }
  return absl::InvalidArgumentError("unknown " + std::string(what) + " \"" +
                                    std::string(text) + "\" (want one of " +
                                    accepted + ")");
}

template <typename Enum, size_t N>
std::string_view Name(const Names<Enum, N>& names, Enum value) {
  for (const auto& [v, name] : names) {
    if (v == value) return name;
  }
  return "unknown";
}

}  // namespace

absl::StatusOr<MigStrategy> ParseMigStrategy(std::string_view text) {
  return Parse(kMigStrategies, "MIG strategy", text);
}
absl::StatusOr<DeviceListStrategy> ParseDeviceListStrategy(std::string_view text) {
  return Parse(kDeviceListStrategies, "device list strategy", text);
}
absl::StatusOr<DeviceIdStrategy> ParseDeviceIdStrategy(std::string_view text) {
  return Parse(kDeviceIdStrategies, "device ID strategy", text);
}
absl::StatusOr<DeviceDiscoveryStrategy> ParseDeviceDiscoveryStrategy(
    std::string_view text) {
  return Parse(kDiscoveryStrategies, "device discovery strategy", text);
}
absl::StatusOr<AllocationPolicy> ParseAllocationPolicy(std::string_view text) {
  return Parse(kAllocationPolicies, "shared devices allocation policy", text);
}

std::string_view ToString(MigStrategy value) { return Name(kMigStrategies, value); }
std::string_view ToString(DeviceListStrategy value) {
  return Name(kDeviceListStrategies, value);
}
std::string_view ToString(DeviceIdStrategy value) {
  return Name(kDeviceIdStrategies, value);
}
std::string_view ToString(DeviceDiscoveryStrategy value) {
  return Name(kDiscoveryStrategies, value);
}
std::string_view ToString(AllocationPolicy value) {
  return Name(kAllocationPolicies, value);
}
std::string_view ToString(SharingStrategy value) {
  return Name(kSharingStrategies, value);
}

}  // namespace gpulet

// The named choices of NVIDIA's device plugin and GFD configuration
// (--mig-strategy, --device-list-strategy, ...), as enums with the exact
// spellings NVIDIA accepts, so that a value from a flag, an env var or the
// config file is checked once and the rest of gpulet switches on an enum.
//
// Pure functions; thread-safe.
#ifndef GPULET_CONFIG_STRATEGIES_H_
#define GPULET_CONFIG_STRATEGIES_H_

#include <string_view>

#include "absl/status/statusor.h"

namespace gpulet {

// How MIG devices are advertised (reference §5).
enum class MigStrategy { kNone, kSingle, kMixed };
// How allocated devices are passed to the container runtime.
enum class DeviceListStrategy { kEnvVar, kVolumeMounts, kCdiAnnotations, kCdiCri };
// What identifies a device towards the runtime.
enum class DeviceIdStrategy { kUuid, kIndex };
// Which backend enumerates devices.
enum class DeviceDiscoveryStrategy { kAuto, kNvml, kTegra, kVfio };
// How replicas of shared devices are handed out.
enum class AllocationPolicy { kDistributed, kPacked };
// Which sharing mode the config activates.
enum class SharingStrategy { kNone, kTimeSlicing, kMps };

// Each Parse returns InvalidArgument quoting `text` and listing the accepted
// values; callers prefix the flag, variable or file field it came from.
absl::StatusOr<MigStrategy> ParseMigStrategy(std::string_view text);
absl::StatusOr<DeviceListStrategy> ParseDeviceListStrategy(std::string_view text);
absl::StatusOr<DeviceIdStrategy> ParseDeviceIdStrategy(std::string_view text);
absl::StatusOr<DeviceDiscoveryStrategy> ParseDeviceDiscoveryStrategy(
    std::string_view text);
absl::StatusOr<AllocationPolicy> ParseAllocationPolicy(std::string_view text);

// NVIDIA's spellings: "none", "single", "mixed"; "envvar", "volume-mounts",
// "cdi-annotations", "cdi-cri"; "uuid", "index"; "auto", "nvml", "tegra",
// "vfio"; "distributed", "packed"; "none", "time-slicing", "mps".
std::string_view ToString(MigStrategy value);
std::string_view ToString(DeviceListStrategy value);
std::string_view ToString(DeviceIdStrategy value);
std::string_view ToString(DeviceDiscoveryStrategy value);
std::string_view ToString(AllocationPolicy value);
std::string_view ToString(SharingStrategy value);

}  // namespace gpulet

#endif  // GPULET_CONFIG_STRATEGIES_H_

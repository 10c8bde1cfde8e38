// AllocateOptions: the flags that shape an Allocate response —
// --device-list-strategy, --device-id-strategy, --pass-device-specs,
// --gdrcopy/gds/mofed-enabled, --cdi-annotation-prefix, IMEX channels, the
// MPS root and the dev root for device spec host paths.
//
// A narrow mirror of the config model (config/ merges flags, env and file;
// the caller copies these values across). The Parse functions take the
// flag's text and name the flag in errors. Plain values; thread-compatible.
#ifndef GPULET_ALLOCATION_ALLOCATE_OPTIONS_H_
#define GPULET_ALLOCATION_ALLOCATE_OPTIONS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "hostfs/driver_roots.h"

namespace gpulet::allocation {

// Any combination of the four NVIDIA strategies.
struct DeviceListStrategies {
  bool envvar = true;
  bool volume_mounts = false;
  bool cdi_annotations = false;
  bool cdi_cri = false;

  // Each of `names` is "envvar", "volume-mounts", "cdi-annotations" or
  // "cdi-cri" (a comma list in one entry is split, as DEVICE_LIST_STRATEGY
  // is). InvalidArgument naming --device-list-strategy and the value for an
  // unknown or an empty list.
  static absl::StatusOr<DeviceListStrategies> Parse(
      const std::vector<std::string>& names);

  bool AnyCdi() const { return cdi_annotations || cdi_cri; }
  bool OnlyCdi() const { return AnyCdi() && !envvar && !volume_mounts; }
};

enum class DeviceIdStrategy { kUuid, kIndex };
// "uuid" or "index"; InvalidArgument naming --device-id-strategy otherwise.
absl::StatusOr<DeviceIdStrategy> ParseDeviceIdStrategy(std::string_view text);

struct AllocateOptions {
  DeviceListStrategies list_strategies;
  DeviceIdStrategy id_strategy = DeviceIdStrategy::kUuid;
  bool pass_device_specs = false;
  bool gdrcopy_enabled = false;
  bool gds_enabled = false;
  bool mofed_enabled = false;
  // Replaces "cdi.k8s.io/" in the CDI annotation key.
  std::string cdi_annotation_prefix = "cdi.k8s.io/";
  // imex.channelIDs: empty or {0}.
  std::vector<int> imex_channel_ids;
  // --mps-root on the host; used for resources shared with MPS.
  std::string mps_root;
  // Host paths of device nodes the inventory did not find are formed in
  // the dev root (DriverRoots::DevicePath), as NVIDIA forms them all.
  hostfs::DriverRoots roots = hostfs::DriverRoots::Standard();
};

}  // namespace gpulet::allocation

#endif  // GPULET_ALLOCATION_ALLOCATE_OPTIONS_H_

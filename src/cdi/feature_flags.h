// FeatureFlags: what nvidia-ctk's `--feature-flag` values (the device
// plugin's `--cdi-feature-flags`) change in a generated spec.
//
// nvidia-ctk knows six flags, all off by default. gpulet acts on those that
// change what its generator writes and accepts the rest:
//   no-additional-gids-for-device-nodes  no additionalGids (cdiVersion stays
//                                        below 0.7.0, for podman 4.9)
//   disable-ipc-discoverer               no persistenced/fabricmanager sockets
//   disable-nvsandboxutils               accepted, no effect: gpulet never uses
//     (or disable-nvsandbox-utils)       nvsandboxutils; device nodes always
//                                        come from NVML and sysfs
//   enable-explicit-driver-libraries     also mount GLVND, OpenCL and NVIDIA
//                                        API libraries (kExplicitDriverLibraries)
//   disable-multiple-csv-devices         accepted, no effect: Tegra CSV mode
//                                        only, which gpulet does not have
//   enable-coherent-annotations          accepted with a warning: not
//                                        implemented (see docs/cdi.md)
// A name nvidia-ctk does not know is ignored, as nvidia-ctk ignores it, with
// a warning. Flags are case-sensitive, as upstream.
//
// Plain value; thread-safe.
#ifndef GPULET_CDI_FEATURE_FLAGS_H_
#define GPULET_CDI_FEATURE_FLAGS_H_

#include <string>
#include <string_view>
#include <vector>

namespace gpulet::cdi {

inline constexpr std::string_view kNoAdditionalGidsFlag = "no-additional-gids-for-device-nodes";
inline constexpr std::string_view kDisableIpcDiscovererFlag = "disable-ipc-discoverer";

struct FeatureFlags {
  // Add the group of device nodes only their group may open (DRM cards,
  // 0660 root:video) to the container's groups, as nvidia-ctk does since
  // 1.19.1.
  bool additional_gids = true;
  // Mount the persistenced and fabricmanager sockets.
  bool ipc_sockets = true;
  // Mount the libraries of kExplicitDriverLibraries that exist.
  bool explicit_driver_libraries = false;

  // The flags of `names` applied to the defaults; empty names are skipped.
  // One line per flag gpulet ignores goes to `warnings` (may be null).
  static FeatureFlags Parse(const std::vector<std::string>& names,
                            std::vector<std::string>* warnings);
};

}  // namespace gpulet::cdi

#endif  // GPULET_CDI_FEATURE_FLAGS_H_

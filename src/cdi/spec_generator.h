// SpecGenerator: builds the CDI spec of a node's NVIDIA GPUs, what
// `nvidia-ctk cdi generate` writes, from an Inventory and the host files.
//
// The library entry point: `gpulet cdi generate` calls it with flag values,
// and the device plugin can call it with its own vendor and class
// ("k8s.device-plugin.nvidia.com", "gpu") and regenerate whenever a new
// Inventory (MIG layout, driver) is published.
//
// Example:
//   GenerateOptions options;
//   options.vendor = "k8s.device-plugin.nvidia.com";
//   ASSIGN_OR_RETURN(GeneratedSpec out, GenerateSpec(host, inventory.get(), options));
//   RETURN_IF_ERROR(WriteSpecFile(path, out.spec, SpecFormat::kJson));
//
// Thread-safe (reentrant); reads the filesystem on every call.
#ifndef GPULET_CDI_SPEC_GENERATOR_H_
#define GPULET_CDI_SPEC_GENERATOR_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cdi/driver_extras.h"
#include "cdi/feature_flags.h"
#include "cdi/hooks.h"
#include "cdi/spec.h"
#include "hostfs/host_fs.h"
#include "inventory/inventory.h"

namespace gpulet::cdi {

enum class GenerateMode {
  kNvml,        // one device per GPU or MIG device, plus "all"
  kManagement,  // a single "all" device with every NVIDIA node (mig-parted)
};

enum class DeviceNameStrategy {
  kIndex,      // "0", MIG "0:1"
  kUuid,       // "GPU-…", "MIG-…"
  kTypeIndex,  // "gpu0", MIG "mig0:1"
};

struct GenerateOptions {
  std::string vendor = "nvidia.com";
  std::string device_class = "gpu";
  GenerateMode mode = GenerateMode::kNvml;
  // Each device is listed once per strategy, with the same edits.
  std::vector<DeviceNameStrategy> name_strategies = {DeviceNameStrategy::kIndex,
                                                     DeviceNameStrategy::kUuid};
  // GPU indices, UUIDs, MIG "i:j" or MIG UUIDs; empty means all. {"none"}
  // emits only a placeholder device "none" and no "all".
  std::vector<std::string> device_ids;
  bool all_device = true;
  // Host-absolute dirs replacing the standard library search.
  std::vector<std::string> library_search_paths;
  ExtrasOptions extras;
  std::string hook_path = std::string(kDefaultHookPath);
  std::string ldconfig_path;
  // The hooks written, wherever hooks are emitted (common edits, each
  // device, the spec's own): HookSet::Create(disabled, enabled).
  HookSet hooks;
  // --feature-flag values: FeatureFlags::Parse. `features.ipc_sockets`
  // overrides `extras.ipc_sockets`.
  FeatureFlags features;
};

struct GeneratedSpec {
  Spec spec;  // valid, simplified, with the minimum cdiVersion
  // Files and devices that were left out, one line each, for logging.
  std::vector<std::string> warnings;
};

// `inventory` is required in nvml mode (its driver version and GPUs) and
// ignored in management mode (the version is then read from library file
// names). Errors: InvalidArgument for a bad vendor or class, or a device id
// that names no device (quoting it); FailedPrecondition when the driver
// version or its libraries cannot be found; NotFound in management mode
// when there is no NVIDIA device node.
absl::StatusOr<GeneratedSpec> GenerateSpec(const hostfs::HostFs& host,
                                           const inventory::Inventory* inventory,
                                           const GenerateOptions& options);

}  // namespace gpulet::cdi

#endif  // GPULET_CDI_SPEC_GENERATOR_H_

// CdiSpecWriter: the device plugin's own CDI spec, as NVIDIA's plugin writes
// it with a cdi-* device list strategy: vendor "k8s.device-plugin.nvidia.com",
// class "gpu", one device per GPU and MIG device named by the device ID
// strategy (UUID, or index "0" / "0:1"), plus "all", in
// <spec dir>/k8s.device-plugin.nvidia.com-gpu.json (JSON, mode 0644).
//
// The spec comes from cdi::GenerateSpec (the same generator as `gpulet cdi
// generate`) over the plugin's HostFs, whose DriverRoots turn the paths
// gpulet reads into host paths; nothing here joins roots.
//
// The same writer keeps the node's general spec, what `nvidia-ctk cdi
// generate` writes for the runtime (`gpulet node --cdi-spec`): vendor
// "nvidia.com", class "gpu", each device by index and by UUID, in
// <spec dir>/nvidia.yaml (ForNode()).
//
// Unlike NVIDIA's plugin, which writes the spec once at start and leaves it
// stale after a MIG or driver change, Update() is called with every new
// Inventory (start, rescan, SIGHUP) and rewrites the file only when its
// content differs from what is on disk, so runtimes rescanning the
// directory see no churn. The file is left in place on exit, as NVIDIA's
// plugin leaves it: containers created from it keep working across a
// plugin restart, and the next start replaces it.
//
// Devices() is the set of qualified names in the spec on disk as last
// written or confirmed; Allocate checks its CDI names against it so that it
// never names a device the runtime cannot resolve.
//
// Thread-safety: Update() from one thread (the Manager's); Devices() from
// any thread.
#ifndef GPULET_PLUGIN_CDI_SPEC_WRITER_H_
#define GPULET_PLUGIN_CDI_SPEC_WRITER_H_

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "cdi/driver_extras.h"
#include "cdi/spec_generator.h"
#include "hostfs/host_fs.h"
#include "inventory/inventory.h"

namespace gpulet::plugin {

inline constexpr std::string_view kPluginCdiClass = "gpu";
inline constexpr char kDefaultCdiSpecDir[] = "/var/run/cdi";

// "<dir>/k8s.device-plugin.nvidia.com-gpu.json".
std::string PluginCdiSpecPath(std::string_view spec_dir);
// "<dir>/nvidia.yaml".
std::string NodeCdiSpecPath(std::string_view spec_dir);

// What may change between two Update() calls (a SIGHUP reload).
struct CdiSpecOptions {
  bool index_names = false;  // --device-id-strategy=index
  std::string hook_path = "/usr/bin/nvidia-ctk";  // --nvidia-cdi-hook-path
  // --cdi-disable-hooks ("all" drops every hook) and --cdi-feature-flags,
  // as cdi::HookSet::Create and cdi::FeatureFlags::Parse take them; names
  // the generator does not know are logged and ignored, as NVIDIA ignores them.
  std::vector<std::string> disabled_hooks;
  std::vector<std::string> feature_flags;
};

// Qualified device names, "k8s.device-plugin.nvidia.com/gpu=GPU-…".
using CdiDeviceNames = std::set<std::string, std::less<>>;

// The spec Update() writes for `inventory`, generated but not written (what
// `gpulet doctor` compares with the file on disk). Unknown hook and feature
// names are added to the warnings. Errors as cdi::GenerateSpec, and
// InvalidArgument from cdi::HookSet::Create.
absl::StatusOr<cdi::GeneratedSpec> GeneratePluginSpec(const hostfs::HostFs& host,
                                                      const inventory::Inventory& inventory,
                                                      const CdiSpecOptions& options,
                                                      const cdi::ExtrasOptions& extras);

class CdiSpecWriter {
 public:
  // `extras` are the generator's search settings (binary dirs, kernel
  // release), fixed for the process.
  CdiSpecWriter(std::string spec_dir, cdi::ExtrasOptions extras);
  // The node's nvidia.com/gpu spec, as `nvidia-ctk cdi generate` names its
  // devices (index and UUID; CdiSpecOptions::index_names is ignored).
  static std::unique_ptr<CdiSpecWriter> ForNode(std::string spec_dir, cdi::ExtrasOptions extras);

  // Generates the spec for `inventory` and replaces the file when its text
  // differs. Returns whether the file was written. Errors: those of
  // cdi::GenerateSpec (FailedPrecondition without driver libraries) and of
  // the atomic write; on error the file and Devices() stay as they were.
  absl::StatusOr<bool> Update(const hostfs::HostFs& host, const inventory::Inventory& inventory,
                              const CdiSpecOptions& options);

  // The devices of the spec on disk; empty before the first Update().
  std::shared_ptr<const CdiDeviceNames> Devices() const ABSL_LOCKS_EXCLUDED(mu_);
  const std::string& path() const { return path_; }

 private:
  // What the file holds and how its devices are named.
  struct Target {
    std::string path;
    std::string vendor;
    bool node_names = false;  // index and UUID names, YAML
  };
  CdiSpecWriter(Target target, cdi::ExtrasOptions extras);

  const Target target_;
  const std::string path_;
  const cdi::ExtrasOptions extras_;
  mutable std::mutex mu_;
  std::shared_ptr<const CdiDeviceNames> devices_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_CDI_SPEC_WRITER_H_

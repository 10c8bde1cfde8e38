// The OCI hooks a generated spec asks the runtime to run, spelled as
// NVIDIA's `nvidia-cdi-hook` (or `nvidia-ctk hook`) expects them, and which
// of them are enabled.
//
// Hooks run at createContainer in the container's mount namespace but are
// looked up by the runtime on the node, so `path` must name a binary that
// exists on the node (siderolabs/extensions#1019, HAMi#2534).
//
// Plain values; thread-safe.
#ifndef GPULET_CDI_HOOKS_H_
#define GPULET_CDI_HOOKS_H_

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "cdi/spec.h"

namespace gpulet::cdi {

inline constexpr std::string_view kCreateSymlinksHook = "create-symlinks";
inline constexpr std::string_view kUpdateLdcacheHook = "update-ldcache";
inline constexpr std::string_view kEnableCudaCompatHook = "enable-cuda-compat";
inline constexpr std::string_view kDisableDeviceNodeModificationHook =
    "disable-device-node-modification";
inline constexpr std::string_view kUpdateApplicationProfileHook =
    "update-application-profile";
inline constexpr std::string_view kChmodHook = "chmod";

inline constexpr std::string_view kDefaultHookPath = "/usr/bin/nvidia-cdi-hook";

class HookSet {
 public:
  // The defaults: every hook but chmod (deprecated upstream) and
  // update-application-profile (new in toolkit 1.20; an older
  // nvidia-cdi-hook on the node fails the container on an unknown hook).
  HookSet();

  // Applies the disabled hooks (--disable-hook, the device plugin's
  // --cdi-disable-hooks), then the enabled ones (--enable-hook). "all" in
  // `disabled` drops every hook; enabling wins over disabling. Empty names
  // are skipped. A name gpulet does not know is ignored, as nvidia-ctk
  // ignores it, with one line in `warnings` (may be null) quoting it.
  // InvalidArgument for "all" in `enabled`, which nvidia-ctk rejects too.
  static absl::StatusOr<HookSet> Create(const std::vector<std::string>& disabled,
                                        const std::vector<std::string>& enabled,
                                        std::vector<std::string>* warnings = nullptr);

  bool enabled(std::string_view name) const { return enabled_.contains(name); }
  void Disable(std::string_view name) { enabled_.erase(std::string(name)); }
  // The enabled hooks, sorted.
  std::vector<std::string> Enabled() const { return {enabled_.begin(), enabled_.end()}; }

 private:
  std::set<std::string, std::less<>> enabled_;
};

// Builds hook entries for one hook binary.
class HookFactory {
 public:
  // `hook_path` is written verbatim into every hook. When its file name is
  // "nvidia-ctk" the arguments start "nvidia-ctk hook <name>", otherwise
  // "nvidia-cdi-hook <name>", as nvidia-ctk emits them.
  HookFactory(std::string hook_path, HookSet hooks);

  // A createContainer hook running `name` with `args` and
  // NVIDIA_CTK_DEBUG=false; nullopt when `name` is disabled.
  std::optional<Hook> Make(std::string_view name,
                           std::vector<std::string> args = {}) const;

  const HookSet& hooks() const { return hooks_; }

 private:
  std::string path_;
  HookSet hooks_;
};

}  // namespace gpulet::cdi

#endif  // GPULET_CDI_HOOKS_H_

#include "cdi/hooks.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"

namespace gpulet::cdi {
namespace {

constexpr std::string_view kAllHooks[] = {
    kCreateSymlinksHook,
    kUpdateLdcacheHook,
    kEnableCudaCompatHook,
    kDisableDeviceNodeModificationHook,
    kUpdateApplicationProfileHook,
    kChmodHook};

// Whether `name` is a hook gpulet writes; when it is not, a line for
// `warnings` says it is ignored.
bool IsKnown(std::string_view which, std::string_view name,
             std::vector<std::string>* warnings) {
  for (std::string_view known : kAllHooks) {
    if (known == name) return true;
  }
  if (warnings != nullptr) {
    warnings->push_back(absl::StrCat(
        AsAbsl(which), " hook \"", AsAbsl(name),
        "\" is not one gpulet writes (create-symlinks, update-ldcache, enable-cuda-compat, "
        "disable-device-node-modification, update-application-profile, chmod); ignored"));
  }
  return false;
}

}  // namespace

HookSet::HookSet() {
  for (std::string_view name : kAllHooks) {
    if (name != kChmodHook && name != kUpdateApplicationProfileHook) {
      enabled_.insert(std::string(name));
    }
  }
}

absl::StatusOr<HookSet> HookSet::Create(const std::vector<std::string>& disabled,
                                        const std::vector<std::string>& enabled,
                                        std::vector<std::string>* warnings) {
  HookSet set;
  for (const std::string& name : disabled) {
    if (name == "all") {
      set.enabled_.clear();
    } else if (!name.empty() && IsKnown("disabled", name, warnings)) {
      set.enabled_.erase(name);
    }
  }
  for (const std::string& name : enabled) {
    if (name == "all") {
      return absl::InvalidArgumentError("--enable-hook \"all\" is not allowed: name the hooks");
    }
    if (!name.empty() && IsKnown("enabled", name, warnings)) set.enabled_.insert(name);
  }
  return set;
}

HookFactory::HookFactory(std::string hook_path, HookSet hooks)
    : path_(std::move(hook_path)), hooks_(std::move(hooks)) {}

std::optional<Hook> HookFactory::Make(std::string_view name,
                                      std::vector<std::string> args) const {
  if (!hooks_.enabled(name)) return std::nullopt;
  Hook hook;
  hook.hook_name = "createContainer";
  hook.path = path_;
  std::string_view base = path_;
  if (size_t slash = base.rfind('/'); slash != std::string_view::npos) {
    base.remove_prefix(slash + 1);
  }
  if (base == "nvidia-ctk") {
    hook.args = {"nvidia-ctk", "hook"};
  } else {
    hook.args = {"nvidia-cdi-hook"};
  }
  hook.args.emplace_back(name);
  for (std::string& arg : args) hook.args.push_back(std::move(arg));
  hook.env = {"NVIDIA_CTK_DEBUG=false"};
  return hook;
}

}  // namespace gpulet::cdi

#include "cdi/spec_transform.h"

#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"
#include "base/status_macros.h"
#include "cdi/spec_version.h"
#include "hostfs/path.h"

namespace gpulet::cdi {
namespace {

class Rewriter {
 public:
  Rewriter(std::string from, std::string to, TransformTarget target)
      : from_(std::move(from)), to_(std::move(to)), target_(target) {}

  void Edits(ContainerEdits& edits) const {
    for (DeviceNode& node : edits.device_nodes) Node(node);
    for (Mount& mount : edits.mounts) {
      Path(target_ == TransformTarget::kHost ? mount.host_path : mount.container_path);
    }
    for (Hook& hook : edits.hooks) HookPaths(hook);
  }

 private:
  void Path(std::string& path) const {
    if (path.empty() || path.front() != '/') return;
    std::optional<std::string> rest = hostfs::StripRoot(path, from_);
    if (rest.has_value()) path = hostfs::JoinPath(to_, *rest);
  }

  // "target::link" has a path on each side.
  void Arg(std::string& arg) const {
    size_t sep = arg.find("::");
    if (sep == std::string::npos) {
      Path(arg);
      return;
    }
    std::string first = arg.substr(0, sep), second = arg.substr(sep + 2);
    Path(first);
    Path(second);
    arg = absl::StrCat(first, "::", second);
  }

  void Node(DeviceNode& node) const {
    if (target_ == TransformTarget::kContainer) {
      Path(node.path);
      return;
    }
    if (node.host_path.empty()) node.host_path = node.path;
    Path(node.host_path);
    if (node.host_path == node.path) node.host_path.clear();
  }

  void HookPaths(Hook& hook) const {
    bool in_container = hook.hook_name == "createContainer" ||
                        hook.hook_name == "startContainer";
    bool start = hook.hook_name == "startContainer";
    if (target_ == TransformTarget::kHost) {
      if (!start) Path(hook.path);
      if (!in_container) {
        for (std::string& arg : hook.args) Arg(arg);
      }
    } else {
      if (start) Path(hook.path);
      if (in_container) {
        for (std::string& arg : hook.args) Arg(arg);
      }
    }
  }

  std::string from_;
  std::string to_;
  TransformTarget target_;
};

absl::StatusOr<std::string> RootFlag(std::string_view flag, std::string_view value) {
  absl::StatusOr<std::string> normalized = hostfs::NormalizeAbsolutePath(value);
  if (!normalized.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        AsAbsl(flag), " \"", AsAbsl(value), "\" must be an absolute path"));
  }
  return normalized;
}

}  // namespace

absl::Status TransformRoot(Spec& spec, std::string_view from, std::string_view to,
                           TransformTarget target) {
  ASSIGN_OR_RETURN(std::string from_root, RootFlag("--from", from));
  ASSIGN_OR_RETURN(std::string to_root, RootFlag("--to", to));
  if (from_root == to_root) return absl::OkStatus();
  Rewriter rewriter(std::move(from_root), std::move(to_root), target);
  rewriter.Edits(spec.edits);
  for (Device& device : spec.devices) rewriter.Edits(device.edits);
  absl::StatusOr<SpecVersion> current = SpecVersion::Parse(spec.version);
  SpecVersion minimum = MinimumVersion(spec);
  if (current.ok() && *current < minimum) spec.version = minimum.ToString();
  return absl::OkStatus();
}

}  // namespace gpulet::cdi

// HostView: how the node's filesystem is visible to gpulet, and reads
// through it.
//
// gpulet reads host files that usually are not at their host path: in a pod
// the host's "/" is mounted at "/host", the driver root "/run/nvidia/driver"
// at "/driver-root", GKE's "/home/kubernetes/bin/nvidia" at
// "/usr/local/nvidia"; in tests the "host" is a temp dir. A HostView is the
// list of those bindings (host dir → agent dir). Every other module names
// files by their *host* path and reads them through a HostView, so the same
// code runs on the node, in a pod and on a fixture tree.
//
// Symlinks are resolved in host space: an absolute target "/usr/lib/x" read
// from a link under the view is the host's "/usr/lib/x", which may be at
// "<prefix>/usr/lib/x" for gpulet. The kernel's own resolution (what
// std::filesystem::canonical does) would escape the prefix and read gpulet's
// files instead.
//
// A value type: copy freely; const methods are thread-safe. Reads see the
// filesystem as it is at the time of the call.
#ifndef GPULET_HOSTFS_HOST_VIEW_H_
#define GPULET_HOSTFS_HOST_VIEW_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace gpulet::hostfs {

// What lstat/stat found at a path.
struct FileInfo {
  enum class Type { kRegular, kDirectory, kSymlink, kCharDevice, kBlockDevice,
                    kFifo, kSocket, kOther };
  Type type = Type::kOther;
  unsigned int mode = 0;   // permission bits (st_mode & 07777)
  unsigned int uid = 0;
  unsigned int gid = 0;
  // Device number of a character or block device; 0 otherwise.
  unsigned int rdev_major = 0;
  unsigned int rdev_minor = 0;
};

class HostView {
 public:
  // One host directory and where gpulet sees it.
  struct Binding {
    std::string host_dir;   // absolute, normalized, e.g. "/run/nvidia/driver"
    std::string agent_dir;  // absolute, normalized, e.g. "/driver-root"
  };

  // The host's "/" visible at "/": gpulet runs on the host itself.
  HostView();

  // The host's "/" visible at `prefix` ("/host", or a fixture's temp dir).
  // InvalidArgument quoting `prefix` when it is not an absolute path.
  static absl::StatusOr<HostView> AtPrefix(std::string_view prefix);

  // Adds a binding that takes precedence over "/" for paths under
  // `host_dir`; the longest matching host dir wins. InvalidArgument quoting
  // the paths when either is not absolute; AlreadyExists when `host_dir` is
  // bound already.
  //
  // Example (device plugin pod with the operator's driver root mounted):
  //   ASSIGN_OR_RETURN(HostView view, HostView::AtPrefix("/host"));
  //   RETURN_IF_ERROR(view.Bind("/run/nvidia/driver", "/driver-root"));
  absl::Status Bind(std::string_view host_dir, std::string_view agent_dir);

  // Bindings, longest host dir first; always ends with the one for "/".
  const std::vector<Binding>& bindings() const { return bindings_; }

  // True when every host path is visible at itself (gpulet on the host).
  bool IsIdentity() const;

  // Where gpulet sees normalized absolute host path `host_path`. Purely
  // lexical: symlinks are not followed.
  std::string ToAgentPath(std::string_view host_path) const;

  // The host path of `agent_path` (e.g. a mount point from gpulet's own
  // /proc/self/mountinfo); nullopt when no binding covers it.
  std::optional<std::string> ToHostPath(std::string_view agent_path) const;

  // Follows every symlink in `host_path` in host space and returns the
  // normalized host path of the final file. A bound host dir and its
  // ancestors are taken as plain directories: they are where the host
  // mounted something for gpulet, and the ancestors may not be visible. NotFound naming the missing
  // component, FailedPrecondition on a symlink loop (more than 40 links),
  // InvalidArgument for a relative path.
  absl::StatusOr<std::string> Resolve(std::string_view host_path) const;

  // stat() of the file `host_path` resolves to (symlinks followed in host
  // space). NotFound when it does not exist, PermissionDenied or Internal
  // for other errors, each naming the path.
  absl::StatusOr<FileInfo> Stat(std::string_view host_path) const;

  // True when Stat() succeeds.
  bool Exists(std::string_view host_path) const;

  // The target of the symlink `host_path`, verbatim (relative targets stay
  // relative). The parent directories are resolved in host space, the last
  // component is not followed. NotFound when it does not exist,
  // InvalidArgument when it is not a symlink, each naming the path.
  absl::StatusOr<std::string> ReadLink(std::string_view host_path) const;

  // True when `host_path` itself (not what it points to) is a symlink.
  bool IsSymlink(std::string_view host_path) const;

  // The whole content of a file (procfs and sysfs files included, whose
  // st_size is meaningless). Errors as Stat(); FailedPrecondition when it is
  // a directory.
  absl::StatusOr<std::string> ReadFile(std::string_view host_path) const;

  // Names of the entries of a directory, sorted, without "." and "..".
  // NotFound when it does not exist, FailedPrecondition when it is not a
  // directory.
  absl::StatusOr<std::vector<std::string>> ListDirectory(
      std::string_view host_path) const;

 private:
  // True when `host_path` is a bound host dir other than "/" or above one.
  bool IsBindingOrAncestor(std::string_view host_path) const;

  std::vector<Binding> bindings_;
};

}  // namespace gpulet::hostfs

#endif  // GPULET_HOSTFS_HOST_VIEW_H_

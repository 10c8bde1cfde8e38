// Lexical operations on absolute POSIX paths.
//
// Roots are joined and stripped on path-component boundaries ("/driver" is
// not a prefix of "/driver-backup"), which plain string concatenation and
// `TrimPrefix` get wrong. These functions never touch the filesystem; the
// symlink-aware resolution lives in HostView. Thread-safe (pure functions).
#ifndef GPULET_HOSTFS_PATH_H_
#define GPULET_HOSTFS_PATH_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace gpulet::hostfs {

// Returns `path` with repeated and trailing slashes removed and "." and ".."
// components folded ("/a//b/./c/../" → "/a/b"); ".." at the root stays at
// the root. InvalidArgument quoting `path` when it is empty, relative or
// contains a NUL byte.
absl::StatusOr<std::string> NormalizeAbsolutePath(std::string_view path);

// Joins an absolute, normalized `root` with `rest`, which is read as relative
// to it even when it starts with "/": JoinPath("/host", "/usr/lib") is
// "/host/usr/lib", JoinPath("/", "dev") is "/dev". The result is not
// re-normalized; `rest` must not contain "..".
std::string JoinPath(std::string_view root, std::string_view rest);

// True when normalized `path` equals normalized `root` or lies below it on a
// component boundary. Every path is under "/".
bool IsUnderRoot(std::string_view path, std::string_view root);

// The part of normalized `path` below `root`, always starting with "/"
// ("/run/nvidia/driver/dev/nvidia0" under "/run/nvidia/driver" is
// "/dev/nvidia0"); nullopt when `path` is not under `root`.
std::optional<std::string> StripRoot(std::string_view path,
                                     std::string_view root);

}  // namespace gpulet::hostfs

#endif  // GPULET_HOSTFS_PATH_H_

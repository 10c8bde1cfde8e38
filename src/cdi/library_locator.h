// LibraryLocator: finds driver libraries under the driver root the way the
// dynamic loader would, for mounting into containers.
//
// Looks in the standard library directories below the driver root (the
// multiarch, lib64 and Debian "nvidia/current" dirs nvidia-ctk searches),
// then in the libraries listed by the driver root's ld.so.cache, or, when
// search paths are given (--library-search-path), only in those. Unlike
// nvidia-ctk, the cache is consulted even when the standard dirs already
// matched, so that a driver split between a standard dir and one only the
// cache knows (#735: /var/lib/nvidia/lib64) is found whole. Every result is
// the symlink-resolved host path of a regular file.
//
// Thread-compatible: the cache is parsed on first use (once per locator,
// not once per lookup as upstream does); share a locator between threads
// only with external locking.
#ifndef GPULET_CDI_LIBRARY_LOCATOR_H_
#define GPULET_CDI_LIBRARY_LOCATOR_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cdi/ld_cache.h"
#include "hostfs/driver_roots.h"
#include "hostfs/host_view.h"

namespace gpulet::cdi {

// Directories below the driver root searched for libraries, in order.
inline constexpr std::string_view kStandardLibraryDirs[] = {
    "/",
    "/usr/lib64",
    "/usr/lib/x86_64-linux-gnu",
    "/usr/lib/aarch64-linux-gnu",
    "/usr/lib/x86_64-linux-gnu/nvidia/current",
    "/usr/lib/aarch64-linux-gnu/nvidia/current",
    "/lib64",
    "/lib/x86_64-linux-gnu",
    "/lib/aarch64-linux-gnu",
    "/lib/x86_64-linux-gnu/nvidia/current",
    "/lib/aarch64-linux-gnu/nvidia/current"};

class LibraryLocator {
 public:
  // `view` and `roots` are copied. `search_paths` are host-absolute dirs;
  // when non-empty they replace the standard dirs and the cache.
  LibraryLocator(hostfs::HostView view, hostfs::DriverRoots roots,
                 std::vector<std::string> search_paths);

  // Resolved host paths of the libraries whose file name matches the glob
  // `pattern` ("libcuda.so.*.*"), in search order, without duplicates.
  // Empty when none is found.
  std::vector<std::string> Locate(std::string_view pattern) const;

  // Regular files directly in host dir `dir` whose name matches `pattern`,
  // resolved, sorted by name. Empty when `dir` does not exist.
  std::vector<std::string> Glob(std::string_view dir, std::string_view pattern) const;

  // Problems met on the way that did not stop the search (an unreadable
  // or corrupt ld.so.cache), for the caller to log.
  std::vector<std::string> warnings() const;

  const hostfs::HostView& view() const { return view_; }
  const hostfs::DriverRoots& roots() const { return roots_; }

 private:
  // A 64-bit library of the cache: its listed path and, when that exists,
  // its resolved host path.
  struct CachedLibrary {
    std::string listed_name;
    std::optional<std::string> resolved;
  };

  const std::vector<CachedLibrary>& Cache() const;
  void LocateInCache(std::string_view pattern, std::vector<std::string>& out) const;

  hostfs::HostView view_;
  hostfs::DriverRoots roots_;
  std::vector<std::string> search_paths_;
  mutable std::optional<std::vector<CachedLibrary>> cache_;
  mutable std::string cache_problem_;
};

}  // namespace gpulet::cdi

#endif  // GPULET_CDI_LIBRARY_LOCATOR_H_

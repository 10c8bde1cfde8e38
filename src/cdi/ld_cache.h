// LdCache: the libraries listed in a driver root's /etc/ld.so.cache.
//
// The dynamic loader finds libraries outside the standard directories
// (/var/lib/nvidia/lib64, /usr/lib/x86_64-linux-gnu/nvidia/current, ...)
// through this cache; nvidia-ctk's fallback to it is what fixed "failed to
// locate libcuda.so" on such hosts. The parser reads glibc's binary format,
// "glibc-ld.so.cache1.1" (glibc >= 2.32 writes only this), and the older
// layout where it follows an "ld.so-1.7.0" header and its entries.
// Little-endian hosts only, as glibc writes the cache in native order.
//
// ParseLdCache is a free function over bytes; ReadLdCache adds the file.
// A value type, immutable; thread-safe.
#ifndef GPULET_CDI_LD_CACHE_H_
#define GPULET_CDI_LD_CACHE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "hostfs/driver_roots.h"
#include "hostfs/host_view.h"

namespace gpulet::cdi {

struct LdCacheEntry {
  std::string name;  // the key, usually a SONAME: "libcuda.so.1"
  std::string path;  // as written in the cache, relative to its root
  int32_t flags = 0;

  // The library's ABI is 64-bit (x86-64, AArch64 or ppc64le), the ones a
  // container on this node loads; 32-bit compat libraries are excluded.
  bool Is64Bit() const;

  friend bool operator==(const LdCacheEntry&, const LdCacheEntry&) = default;
};

class LdCache {
 public:
  LdCache() = default;
  explicit LdCache(std::vector<LdCacheEntry> entries) : entries_(std::move(entries)) {}

  // ELF library entries in cache order (the loader's search order).
  const std::vector<LdCacheEntry>& entries() const { return entries_; }

 private:
  std::vector<LdCacheEntry> entries_;
};

// Parses the bytes of an ld.so.cache. Non-ELF entries (a.out) are dropped.
// InvalidArgument naming the byte offset for: no known magic, a header or
// entry table that runs past the end, a string offset outside the file, a
// string without its terminating NUL. Never reads outside `bytes`.
absl::StatusOr<LdCache> ParseLdCache(std::string_view bytes);

// <driver root>/etc/ld.so.cache read through `view`. NotFound naming the
// file when it is absent; ParseLdCache errors prefixed with the file.
absl::StatusOr<LdCache> ReadLdCache(const hostfs::HostView& view,
                                    const hostfs::DriverRoots& roots);

}  // namespace gpulet::cdi

#endif  // GPULET_CDI_LD_CACHE_H_

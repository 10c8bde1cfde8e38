#include "cdi/ld_cache.h"

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace gpulet::cdi {
namespace {

// glibc sysdeps/generic/dl-cache.h.
constexpr std::string_view kOldMagic = "ld.so-1.7.0";
constexpr std::string_view kNewMagic = "glibc-ld.so.cache";
constexpr std::string_view kNewVersion = "1.1";
constexpr size_t kOldHeaderSize = 16;    // magic[11], pad, uint32 nlibs
constexpr size_t kOldEntrySize = 12;     // int32 flags, uint32 key, value
constexpr size_t kNewHeaderSize = 48;    // magic, version, counts, extension
constexpr size_t kNewEntrySize = 24;     // flags, key, value, osversion, hwcap

constexpr int32_t kFlagTypeMask = 0x00ff;
constexpr int32_t kFlagElf = 0x0001;
constexpr int32_t kFlagRequiredMask = 0xff00;
constexpr int32_t kFlagX8664Lib64 = 0x0300;
constexpr int32_t kFlagPowerPcLib64 = 0x0500;
constexpr int32_t kFlagAArch64Lib64 = 0x0a00;

uint32_t ReadU32(std::string_view bytes, size_t offset) {
  uint32_t value;
  std::memcpy(&value, bytes.data() + offset, sizeof(value));
  return value;
}

absl::Status Corrupt(size_t offset, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(
      "corrupt ld.so.cache at byte ", offset, ": ",
      absl::string_view(what.data(), what.size())));
}

// Offset of the new-format header: 0, or after the old header and entries
// padded to 8 bytes (glibc's ALIGN_CACHE).
absl::StatusOr<size_t> FindNewHeader(std::string_view bytes) {
  if (bytes.substr(0, kNewMagic.size()) == kNewMagic) return 0;
  if (bytes.substr(0, kOldMagic.size()) != kOldMagic) {
    return Corrupt(0, "neither a \"glibc-ld.so.cache\" nor an \"ld.so-1.7.0\" header");
  }
  if (bytes.size() < kOldHeaderSize) return Corrupt(0, "old header is truncated");
  uint64_t old_libs = ReadU32(bytes, kOldMagic.size() + 1);
  uint64_t end = kOldHeaderSize + old_libs * kOldEntrySize;
  end = (end + 7) & ~uint64_t{7};
  if (end > bytes.size() || bytes.substr(end, kNewMagic.size()) != kNewMagic) {
    return Corrupt(end, "old-format cache without the new-format part");
  }
  return static_cast<size_t>(end);
}

// The NUL-terminated string at `offset` from the new header.
absl::StatusOr<std::string> StringAt(std::string_view table, uint32_t offset,
                                     size_t header) {
  if (offset >= table.size()) {
    return Corrupt(header + offset, "string offset is past the end of the file");
  }
  size_t nul = table.find('\0', offset);
  if (nul == std::string_view::npos) {
    return Corrupt(header + offset, "string is not NUL-terminated");
  }
  return std::string(table.substr(offset, nul - offset));
}

}  // namespace

bool LdCacheEntry::Is64Bit() const {
  int32_t arch = flags & kFlagRequiredMask;
  return arch == kFlagX8664Lib64 || arch == kFlagAArch64Lib64 ||
         arch == kFlagPowerPcLib64;
}

absl::StatusOr<LdCache> ParseLdCache(std::string_view bytes) {
  ASSIGN_OR_RETURN(size_t header, FindNewHeader(bytes));
  // Strings are addressed from the new header, so work on that suffix.
  std::string_view table = bytes.substr(header);
  if (table.size() < kNewHeaderSize) return Corrupt(header, "header is truncated");
  if (table.substr(kNewMagic.size(), kNewVersion.size()) != kNewVersion) {
    return Corrupt(header + kNewMagic.size(), "unsupported format version");
  }
  uint64_t count = ReadU32(table, kNewMagic.size() + kNewVersion.size());
  if (kNewHeaderSize + count * kNewEntrySize > table.size()) {
    return Corrupt(header, absl::StrCat("entry table of ", count,
                                        " entries runs past the end of the file"));
  }
  std::vector<LdCacheEntry> entries;
  for (uint64_t i = 0; i < count; ++i) {
    size_t at = kNewHeaderSize + i * kNewEntrySize;
    int32_t flags = static_cast<int32_t>(ReadU32(table, at));
    if ((flags & kFlagTypeMask & kFlagElf) == 0) continue;
    LdCacheEntry entry;
    entry.flags = flags;
    ASSIGN_OR_RETURN(entry.name, StringAt(table, ReadU32(table, at + 4), header));
    ASSIGN_OR_RETURN(entry.path, StringAt(table, ReadU32(table, at + 8), header));
    entries.push_back(std::move(entry));
  }
  return LdCache(std::move(entries));
}

absl::StatusOr<LdCache> ReadLdCache(const hostfs::HostView& view,
                                    const hostfs::DriverRoots& roots) {
  std::string file = roots.DriverPath("etc/ld.so.cache");
  ASSIGN_OR_RETURN(std::string bytes, view.ReadFile(file));
  absl::StatusOr<LdCache> cache = ParseLdCache(bytes);
  if (!cache.ok()) {
    return absl::Status(cache.status().code(),
                        absl::StrCat(file, ": ", cache.status().message()));
  }
  return cache;
}

}  // namespace gpulet::cdi

#include "smaps_breakdown.h"

#include <dirent.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace gpulet::bench {
namespace {

constexpr uint64_t kArenaAlignment = 64ull << 20;  // glibc HEAP_MAX_SIZE on 64-bit
// Go reserves its heap arenas (also 64 MiB-aligned) at hinted addresses
// from 0xc000000000 up; glibc's mmaps land near the libraries, at
// 0x7f...... on x86-64.
constexpr uint64_t kGoHeapEnd = 0x10000000000ull;

struct Mapping {
  uint64_t start = 0;
  uint64_t end = 0;
  std::string perms;
  std::string path;
  size_t rss_kib = 0;
  size_t pss_kib = 0;
  size_t private_dirty_kib = 0;

  bool anonymous() const { return path.empty(); }
  bool reserve() const { return anonymous() && perms.rfind("---", 0) == 0; }
  bool file() const { return !path.empty() && path[0] == '/'; }
};

// "7f00-7f10 rw-p 00000000 00:00 0    /usr/lib/libc.so.6" → start, end,
// perms, path. False for a field line ("Rss:  12 kB").
bool ParseHeader(const std::string& line, Mapping& m) {
  char perms[8] = {};
  int path_at = 0;
  if (std::sscanf(line.c_str(), "%" SCNx64 "-%" SCNx64 " %7s %*s %*s %*s %n", &m.start, &m.end,
                  perms, &path_at) < 3 ||
      path_at == 0) {
    return false;
  }
  m.perms = perms;
  m.path = line.substr(path_at);
  while (!m.path.empty() && m.path.back() == ' ') m.path.pop_back();
  return true;
}

void ParseField(const std::string& line, Mapping& m) {
  size_t kib = 0;
  if (std::sscanf(line.c_str(), "Rss: %zu kB", &kib) == 1) m.rss_kib = kib;
  if (std::sscanf(line.c_str(), "Pss: %zu kB", &kib) == 1) m.pss_kib = kib;
  if (std::sscanf(line.c_str(), "Private_Dirty: %zu kB", &kib) == 1) m.private_dirty_kib = kib;
}

std::vector<Mapping> ParseMappings(std::string_view smaps) {
  std::vector<Mapping> mappings;
  std::istringstream lines{std::string(smaps)};
  for (std::string line; std::getline(lines, line);) {
    Mapping header;
    if (ParseHeader(line, header)) {
      mappings.push_back(std::move(header));
    } else if (!mappings.empty()) {
      ParseField(line, mappings.back());
    }
  }
  return mappings;
}

std::string Basename(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The part an anonymous rw mapping belongs to, judged by its neighbours.
std::string AnonymousPart(const std::vector<Mapping>& all, size_t i) {
  const Mapping& m = all[i];
  const Mapping* prev = i > 0 ? &all[i - 1] : nullptr;
  const Mapping* next = i + 1 < all.size() ? &all[i + 1] : nullptr;
  bool reserve_after = next != nullptr && next->reserve() && next->start == m.end;
  if (m.start % kArenaAlignment == 0 &&
      (reserve_after || m.end - m.start == kArenaAlignment)) {
    return m.start < kGoHeapEnd ? "Go heap arenas" : "malloc arenas (threads')";
  }
  if (prev != nullptr && prev->end == m.start) {
    if (prev->reserve()) return "thread stacks";
    // .bss follows the file's writable data; a mapping with its own
    // reserve above it is somebody's mmap that found the gap.
    if (prev->file() && prev->perms == "rw-p" && !reserve_after) {
      return Basename(prev->path) + " .bss";
    }
  }
  return "other anonymous";
}

std::string PartName(const std::vector<Mapping>& all, size_t i) {
  const Mapping& m = all[i];
  if (m.file()) return Basename(m.path);
  if (m.path == "[heap]") return "[heap] (main arena)";
  if (m.path == "[stack]") return "[stack] (main thread)";
  if (m.path == "[vdso]" || m.path == "[vvar]" || m.path == "[vsyscall]") return "[vdso] [vvar]";
  if (!m.anonymous()) return "other anonymous";
  return AnonymousPart(all, i);
}

}  // namespace

const MemoryPart* SmapsBreakdown::Find(std::string_view name) const {
  for (const MemoryPart& part : parts) {
    if (part.name == name) return &part;
  }
  return nullptr;
}

SmapsBreakdown ParseSmaps(std::string_view smaps) {
  std::vector<Mapping> all = ParseMappings(smaps);
  std::map<std::string, MemoryPart> by_name;
  SmapsBreakdown out;
  for (size_t i = 0; i < all.size(); ++i) {
    const Mapping& m = all[i];
    out.rss_kib += m.rss_kib;
    out.pss_kib += m.pss_kib;
    if (m.reserve()) continue;  // guards and arena reserves: nothing resident
    MemoryPart& part = by_name[PartName(all, i)];
    ++part.mappings;
    part.rss_kib += m.rss_kib;
    part.pss_kib += m.pss_kib;
    part.private_dirty_kib += m.private_dirty_kib;
  }
  for (auto& [name, part] : by_name) {
    part.name = name;
    out.parts.push_back(std::move(part));
  }
  std::stable_sort(out.parts.begin(), out.parts.end(),
                   [](const MemoryPart& a, const MemoryPart& b) { return a.rss_kib > b.rss_kib; });
  return out;
}

absl::StatusOr<SmapsBreakdown> ReadSmapsBreakdown(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/smaps"));
  if (!in) return absl::NotFoundError(absl::StrCat("no process ", pid));
  std::stringstream text;
  text << in.rdbuf();
  SmapsBreakdown out = ParseSmaps(text.str());
  std::string task_dir = absl::StrCat("/proc/", pid, "/task");
  std::map<std::string, int> names;
  if (DIR* dir = opendir(task_dir.c_str())) {
    while (dirent* entry = readdir(dir)) {
      if (entry->d_name[0] == '.') continue;
      ++out.threads;
      std::ifstream comm(absl::StrCat(task_dir, "/", entry->d_name, "/comm"));
      std::string name;
      std::getline(comm, name);
      ++names[name];
    }
    closedir(dir);
  }
  for (const auto& [name, count] : names) {
    absl::StrAppend(&out.thread_names, out.thread_names.empty() ? "" : ", ", name, " ", count);
  }
  if (out.parts.empty()) return absl::NotFoundError(absl::StrCat("process ", pid, " is gone"));
  return out;
}

}  // namespace gpulet::bench

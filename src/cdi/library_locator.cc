#include "cdi/library_locator.h"

#include <fnmatch.h>

#include <algorithm>

#include "absl/status/status.h"
#include "hostfs/path.h"

namespace gpulet::cdi {
namespace {

bool Matches(std::string_view pattern, std::string_view name) {
  return fnmatch(std::string(pattern).c_str(), std::string(name).c_str(), 0) == 0;
}

std::string_view BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

void AddUnique(std::string path, std::vector<std::string>& out) {
  if (std::find(out.begin(), out.end(), path) == out.end()) out.push_back(std::move(path));
}

}  // namespace

LibraryLocator::LibraryLocator(hostfs::HostView view, hostfs::DriverRoots roots,
                               std::vector<std::string> search_paths)
    : view_(std::move(view)),
      roots_(std::move(roots)),
      search_paths_(std::move(search_paths)) {}

std::vector<std::string> LibraryLocator::Glob(std::string_view dir,
                                              std::string_view pattern) const {
  std::vector<std::string> found;
  absl::StatusOr<std::vector<std::string>> names = view_.ListDirectory(dir);
  if (!names.ok()) return found;
  for (const std::string& name : *names) {
    if (!Matches(pattern, name)) continue;
    std::string path = hostfs::JoinPath(dir, name);
    absl::StatusOr<std::string> resolved = view_.Resolve(path);
    if (!resolved.ok()) continue;  // a dangling link is no library
    absl::StatusOr<hostfs::FileInfo> info = view_.Stat(*resolved);
    if (info.ok() && info->type == hostfs::FileInfo::Type::kRegular) {
      AddUnique(*std::move(resolved), found);
    }
  }
  return found;
}

std::vector<std::string> LibraryLocator::Locate(std::string_view pattern) const {
  std::vector<std::string> found;
  if (!search_paths_.empty()) {
    for (const std::string& dir : search_paths_) {
      for (std::string& path : Glob(dir, pattern)) AddUnique(std::move(path), found);
    }
    return found;
  }
  for (std::string_view dir : kStandardLibraryDirs) {
    for (std::string& path : Glob(roots_.DriverPath(dir), pattern)) {
      AddUnique(std::move(path), found);
    }
  }
  LocateInCache(pattern, found);
  return found;
}

void LibraryLocator::LocateInCache(std::string_view pattern,
                                   std::vector<std::string>& out) const {
  for (const CachedLibrary& library : Cache()) {
    if (!library.resolved.has_value()) continue;  // stale cache entry
    if (Matches(pattern, library.listed_name) ||
        Matches(pattern, BaseName(*library.resolved))) {
      AddUnique(*library.resolved, out);
    }
  }
}

const std::vector<LibraryLocator::CachedLibrary>& LibraryLocator::Cache() const {
  if (cache_.has_value()) return *cache_;
  cache_.emplace();
  absl::StatusOr<LdCache> cache = ReadLdCache(view_, roots_);
  if (!cache.ok()) {
    // A host without a cache still has the standard dirs.
    if (!absl::IsNotFound(cache.status())) cache_problem_ = cache.status().ToString();
    return *cache_;
  }
  // Resolved once here rather than per lookup: a host cache lists about a
  // thousand libraries.
  for (const LdCacheEntry& entry : cache->entries()) {
    if (!entry.Is64Bit() || entry.path.empty() || entry.path.front() != '/') continue;
    CachedLibrary library{std::string(BaseName(entry.path)), std::nullopt};
    absl::StatusOr<std::string> resolved = view_.Resolve(roots_.DriverPath(entry.path));
    if (resolved.ok()) {
      absl::StatusOr<hostfs::FileInfo> info = view_.Stat(*resolved);
      if (info.ok() && info->type == hostfs::FileInfo::Type::kRegular) {
        library.resolved = *std::move(resolved);
      }
    }
    cache_->push_back(std::move(library));
  }
  return *cache_;
}

std::vector<std::string> LibraryLocator::warnings() const {
  if (cache_problem_.empty()) return {};
  return {cache_problem_};
}

}  // namespace gpulet::cdi

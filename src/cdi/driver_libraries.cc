#include "cdi/driver_libraries.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "hostfs/path.h"

namespace gpulet::cdi {
namespace {

std::string DirName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == 0 ? "/" : std::string(path.substr(0, slash));
}

std::string BaseName(std::string_view path) {
  return std::string(path.substr(path.rfind('/') + 1));
}

// "libcuda.so" of "libcuda.so.570.86.15": the name every link to it starts with.
std::string Stem(std::string_view name) {
  size_t so = name.find(".so");
  return std::string(so == std::string_view::npos ? name : name.substr(0, so + 3));
}

// Graphics libraries versioned independently of the driver.
constexpr std::string_view kGraphicsPatterns[] = {
    "libnvidia-egl-gbm.so.*.*",  "libnvidia-egl-wayland.so.*.*",
    "libnvidia-egl-wayland2.so.*.*", "libnvidia-egl-xcb.so.*.*",
    "libnvidia-egl-xlib.so.*.*", "libnvidia-nvvm70.so.*"};

class Collector {
 public:
  Collector(const LibraryLocator& locator, DriverLibraries& out)
      : locator_(locator), out_(out) {}

  void Add(const std::string& host_path) {
    if (!seen_.insert(host_path).second) return;
    absl::StatusOr<std::string> container = locator_.roots().ToContainerPath(host_path);
    if (!container.ok()) {
      out_.warnings.push_back(std::string(container.status().message()));
      return;
    }
    out_.libraries.push_back(DriverFile{host_path, *std::move(container)});
  }

 private:
  const LibraryLocator& locator_;
  DriverLibraries& out_;
  std::set<std::string> seen_;
};

// The links the host has next to the mounted libraries, e.g.
// libcuda.so.1 -> libcuda.so.570.86.15 and libcuda.so -> libcuda.so.1.
void AddHostLinks(const LibraryLocator& locator, const DriverFile& library,
                  const std::set<std::string>& mounted, std::vector<LibraryLink>& out) {
  const hostfs::HostView& view = locator.view();
  std::string dir = DirName(library.host_path);
  std::string stem = Stem(BaseName(library.host_path));
  absl::StatusOr<std::vector<std::string>> names = view.ListDirectory(dir);
  if (!names.ok()) return;
  auto first = std::lower_bound(names->begin(), names->end(), stem);
  for (auto it = first; it != names->end() && absl::StartsWith(*it, stem); ++it) {
    std::string path = hostfs::JoinPath(dir, *it);
    absl::StatusOr<std::string> target = view.ReadLink(path);
    if (!target.ok()) continue;
    absl::StatusOr<std::string> resolved = view.Resolve(path);
    if (!resolved.ok() || *resolved != library.host_path || mounted.contains(path)) continue;
    out.push_back(LibraryLink{*target, hostfs::JoinPath(DirName(library.container_path), *it)});
  }
}

// Links nvidia-ctk always creates when the library is mounted, whether or
// not the host has them (development names some applications dlopen).
void AddFixedLinks(const DriverFile& library, const std::string& version,
                   std::vector<LibraryLink>& out) {
  std::string name = BaseName(library.container_path);
  std::string dir = DirName(library.container_path);
  if (name == "libcuda.so." + version) {
    out.push_back({"libcuda.so.1", hostfs::JoinPath(dir, "libcuda.so")});
  } else if (name == "libGLX_nvidia.so." + version) {
    out.push_back({name, hostfs::JoinPath(dir, "libGLX_indirect.so.0")});
  } else if (name == "libnvidia-opticalflow.so." + version) {
    out.push_back({"libnvidia-opticalflow.so.1",
                   hostfs::JoinPath(dir, "libnvidia-opticalflow.so")});
  } else if (name == "libnvidia-allocator.so." + version) {
    out.push_back({"../libnvidia-allocator.so.1",
                   hostfs::JoinPath(dir, "gbm/nvidia-drm_gbm.so")});
  } else if (name == "libnvidia-vulkan-producer.so." + version) {
    out.push_back({name, hostfs::JoinPath(dir, "libnvidia-vulkan-producer.so")});
  }
}

std::vector<LibraryLink> CollectLinks(const LibraryLocator& locator,
                                      const DriverLibraries& libraries,
                                      const std::string& version) {
  std::set<std::string> mounted;
  for (const DriverFile& file : libraries.libraries) mounted.insert(file.host_path);
  std::vector<LibraryLink> links;
  for (const DriverFile& library : libraries.libraries) {
    AddFixedLinks(library, version, links);
    AddHostLinks(locator, library, mounted, links);
  }
  // One target per link path: the first rule that named it wins.
  std::sort(links.begin(), links.end());
  links.erase(std::unique(links.begin(), links.end(),
                          [](const LibraryLink& a, const LibraryLink& b) {
                            return a.link == b.link;
                          }),
              links.end());
  return links;
}

}  // namespace

absl::StatusOr<std::string> InferDriverVersion(const LibraryLocator& locator) {
  for (std::string_view prefix : {"libcuda.so.", "libnvidia-ml.so."}) {
    for (const std::string& path : locator.Locate(absl::StrCat(
             absl::string_view(prefix.data(), prefix.size()), "*.*"))) {
      std::string version = BaseName(path).substr(prefix.size());
      if (!version.empty() && version.find('*') == std::string::npos) return version;
    }
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "failed to determine the driver version: no libcuda.so.X.Y or "
      "libnvidia-ml.so.X.Y under the driver root \"",
      locator.roots().driver_root(), "\""));
}

absl::StatusOr<DriverLibraries> LocateDriverLibraries(const LibraryLocator& locator,
                                                      const std::string& version,
                                                      bool explicit_libraries) {
  DriverLibraries out;
  std::string pattern = absl::StrCat("lib*.so.", version);
  std::vector<std::string> dirs;
  for (const std::string& path : locator.Locate(pattern)) {
    std::string dir = DirName(path);
    if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) dirs.push_back(dir);
  }
  if (dirs.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no driver library \"", pattern, "\" under the driver root \"",
        locator.roots().driver_root(), "\""));
  }
  Collector collector(locator, out);
  std::string any_version = absl::StrCat("*.so.", version);
  for (const std::string& dir : dirs) {
    absl::StatusOr<std::string> container = locator.roots().ToContainerPath(dir);
    if (container.ok()) out.library_dirs.push_back(*container);
    out.host_library_dirs.push_back(dir);
    for (const std::string& path : locator.Glob(dir, any_version)) collector.Add(path);
    for (const std::string& path : locator.Glob(hostfs::JoinPath(dir, "vdpau"), any_version)) {
      collector.Add(path);
    }
    if (!explicit_libraries) continue;
    for (std::string_view name : kExplicitDriverLibraries) {
      for (const std::string& in : {dir, hostfs::JoinPath(dir, "nvidia")}) {
        for (const std::string& path : locator.Glob(in, name)) collector.Add(path);
      }
    }
  }
  for (std::string_view graphics : kGraphicsPatterns) {
    for (const std::string& path : locator.Locate(graphics)) collector.Add(path);
  }
  std::sort(out.libraries.begin(), out.libraries.end(),
            [](const DriverFile& a, const DriverFile& b) {
              return a.container_path < b.container_path;
            });
  out.links = CollectLinks(locator, out, version);
  for (const std::string& warning : locator.warnings()) out.warnings.push_back(warning);
  return out;
}

}  // namespace gpulet::cdi

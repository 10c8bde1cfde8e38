#include "cdi/driver_extras.h"

#include <fnmatch.h>

#include <algorithm>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "hostfs/path.h"

namespace gpulet::cdi {
namespace {

using hostfs::FileInfo;
using hostfs::JoinPath;

constexpr std::string_view kBinaries[] = {
    "nvidia-smi",             "nvidia-debugdump",       "nvidia-persistenced",
    "nvidia-cuda-mps-control", "nvidia-cuda-mps-server", "nvidia-imex",
    "nvidia-imex-ctl",        "nvidia-xconfig"};
constexpr std::string_view kDefaultBinaryDirs[] = {
    "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"};

// Config files mounted under /usr/share in containers.
constexpr std::string_view kShareConfigs[] = {
    "glvnd/egl_vendor.d/10_nvidia.json",
    "egl/egl_external_platform.d/15_nvidia_gbm.json",
    "egl/egl_external_platform.d/10_nvidia_wayland.json",
    "egl/egl_external_platform.d/09_nvidia_wayland2.json",
    "egl/egl_external_platform.d/20_nvidia_xcb.json",
    "egl/egl_external_platform.d/20_nvidia_xlib.json",
    "nvidia/nvoptix.bin",
    "X11/xorg.conf.d/10-nvidia.conf",
    "X11/xorg.conf.d/nvidia-drm-outputclass.conf"};
// Config files mounted under /etc in containers.
constexpr std::string_view kEtcConfigs[] = {
    "OpenCL/vendors/nvidia.icd",
    "vulkan/icd.d/nvidia_icd.json",
    "vulkan/icd.d/nvidia_icd.x86_64.json",
    "vulkan/icd.d/nvidia_icd.aarch64.json",
    "vulkan/icd.d/nvidia_layers.json",
    "vulkan/implicit_layer.d/nvidia_layers.json"};

// The resolved host path of `candidate` when it is a file of an accepted
// type; nullopt otherwise.
std::optional<std::string> Existing(const hostfs::HostView& view,
                                    const std::string& candidate,
                                    bool executable = false, bool socket = false) {
  absl::StatusOr<std::string> resolved = view.Resolve(candidate);
  if (!resolved.ok()) return std::nullopt;
  absl::StatusOr<FileInfo> info = view.Stat(*resolved);
  if (!info.ok()) return std::nullopt;
  bool type_ok = info->type == FileInfo::Type::kRegular ||
                 (socket && info->type == FileInfo::Type::kSocket);
  if (!type_ok || (executable && (info->mode & 0111) == 0)) return std::nullopt;
  return *std::move(resolved);
}

// Host `candidate` (unresolved) mounted at its own path below the root.
std::optional<DriverFile> AtRootPath(const hostfs::HostView& view,
                                     const hostfs::DriverRoots& roots,
                                     const std::string& candidate,
                                     bool executable = false, bool socket = false) {
  std::optional<std::string> host = Existing(view, candidate, executable, socket);
  if (!host.has_value()) return std::nullopt;
  absl::StatusOr<std::string> container = roots.ToContainerPath(candidate);
  if (!container.ok()) return std::nullopt;
  return DriverFile{*std::move(host), *std::move(container)};
}

std::vector<DriverFile> Binaries(const hostfs::HostView& view,
                                 const hostfs::DriverRoots& roots,
                                 const std::vector<std::string>& path_dirs) {
  std::vector<std::string> dirs = path_dirs;
  dirs.insert(dirs.end(), std::begin(kDefaultBinaryDirs), std::end(kDefaultBinaryDirs));
  std::vector<DriverFile> found;
  for (std::string_view name : kBinaries) {
    for (const std::string& dir : dirs) {
      if (dir.empty() || dir.front() != '/') continue;
      std::optional<DriverFile> file = AtRootPath(
          view, roots, JoinPath(roots.DriverPath(dir), name), /*executable=*/true);
      if (file.has_value()) {
        found.push_back(*std::move(file));
        break;
      }
    }
  }
  return found;
}

std::vector<std::string> FirmwareDirs(const hostfs::HostView& view,
                                      const std::string& kernel_release) {
  std::vector<std::string> dirs;
  absl::StatusOr<std::string> custom =
      view.ReadFile("/sys/module/firmware_class/parameters/path");
  if (custom.ok()) {
    std::string path(absl::StripAsciiWhitespace(*custom));
    if (!path.empty() && path.front() == '/') dirs.push_back(path);
  }
  if (!kernel_release.empty()) dirs.push_back("/lib/firmware/updates/" + kernel_release);
  dirs.push_back("/lib/firmware/updates");
  if (!kernel_release.empty()) dirs.push_back("/lib/firmware/" + kernel_release);
  dirs.push_back("/lib/firmware");
  return dirs;
}

std::vector<DriverFile> Firmware(const hostfs::HostView& view,
                                 const hostfs::DriverRoots& roots,
                                 const std::string& version,
                                 const std::string& kernel_release) {
  std::vector<DriverFile> found;
  std::set<std::string> seen;
  for (const std::string& dir : FirmwareDirs(view, kernel_release)) {
    std::string gsp_dir = JoinPath(roots.DriverPath(dir), "nvidia/" + version);
    absl::StatusOr<std::vector<std::string>> names = view.ListDirectory(gsp_dir);
    if (!names.ok()) continue;
    for (const std::string& name : *names) {
      if (fnmatch("gsp*.bin", name.c_str(), 0) != 0) continue;
      // Symlinks are followed for the host side (#671: /lib -> usr/lib).
      std::optional<DriverFile> file = AtRootPath(view, roots, JoinPath(gsp_dir, name));
      if (file.has_value() && seen.insert(file->container_path).second) {
        found.push_back(*std::move(file));
      }
    }
  }
  return found;
}

std::vector<DriverFile> IpcSockets(const hostfs::HostView& view,
                                   const hostfs::DriverRoots& roots) {
  std::vector<DriverFile> found;
  for (std::string_view socket :
       {"nvidia-persistenced/socket", "nvidia-fabricmanager/socket"}) {
    for (std::string_view run : {"/run", "/var/run"}) {
      std::optional<DriverFile> file = AtRootPath(
          view, roots, JoinPath(roots.DriverPath(run), socket), false, /*socket=*/true);
      if (file.has_value()) {
        found.push_back(*std::move(file));
        break;
      }
    }
  }
  return found;
}

std::vector<std::string> ConfigSearchDirs(const hostfs::DriverRoots& roots,
                                          const ExtrasOptions& options) {
  if (!options.config_search_paths.empty()) return options.config_search_paths;
  std::vector<std::string> dirs = {roots.DriverPath("/etc")};
  std::vector<std::string> xdg = options.xdg_data_dirs;
  if (xdg.empty()) xdg = {"/usr/local/share", "/usr/share"};
  for (const std::string& dir : xdg) {
    if (!dir.empty() && dir.front() == '/') dirs.push_back(roots.DriverPath(dir));
  }
  return dirs;
}

// The first of `dirs`/`name` that exists, mounted at `container_dir`/`name`.
std::optional<DriverFile> FindConfig(const hostfs::HostView& view,
                                     const std::vector<std::string>& dirs,
                                     std::string_view name,
                                     std::string_view container_dir) {
  for (const std::string& dir : dirs) {
    if (std::optional<std::string> host = Existing(view, JoinPath(dir, name))) {
      return DriverFile{*std::move(host), JoinPath(container_dir, name)};
    }
  }
  return std::nullopt;
}

std::vector<DriverFile> ConfigFiles(const hostfs::HostView& view,
                                    const hostfs::DriverRoots& roots,
                                    const ExtrasOptions& options) {
  std::vector<std::string> dirs = ConfigSearchDirs(roots, options);
  std::vector<DriverFile> found;
  for (std::string_view name : kShareConfigs) {
    if (auto file = FindConfig(view, dirs, name, "/usr/share")) found.push_back(*file);
  }
  // GKE keeps the Vulkan files at <driver root>/vulkan (#473).
  std::vector<std::string> etc_dirs = dirs;
  etc_dirs.push_back(roots.driver_root());
  for (std::string_view name : kEtcConfigs) {
    if (auto file = FindConfig(view, etc_dirs, name, "/etc")) found.push_back(*file);
  }
  return found;
}

// Host dirs, in nvidia-ctk's order.
std::vector<std::string> XorgDirs(const hostfs::DriverRoots& roots,
                                  const std::vector<std::string>& library_dirs) {
  std::vector<std::string> dirs;
  for (const std::string& lib : library_dirs) {
    dirs.push_back(JoinPath(lib, "nvidia/xorg"));
    for (const char* sub : {"xorg/modules", "xorg/modules/updates"}) {
      for (const char* kind : {"drivers", "extensions"}) {
        dirs.push_back(absl::StrCat(JoinPath(lib, sub), "/", kind));
      }
    }
  }
  for (const char* base : {"/usr/lib/xorg/modules", "/usr/lib64/xorg/modules",
                           "/usr/X11R6/lib/modules", "/usr/X11R6/lib64/modules"}) {
    for (const char* sub : {"", "/updates"}) {
      for (const char* kind : {"/drivers", "/extensions"}) {
        dirs.push_back(roots.DriverPath(absl::StrCat(base, sub, kind)));
      }
    }
  }
  return dirs;
}

// X.Org modules keep their path so ModulePath in xorg.conf.d stays valid.
std::vector<DriverFile> XorgModules(const hostfs::HostView& view,
                                    const hostfs::DriverRoots& roots,
                                    const std::string& version,
                                    const std::vector<std::string>& library_dirs) {
  std::vector<DriverFile> found;
  for (std::string name : {std::string("nvidia_drv.so"),
                           absl::StrCat("libglxserver_nvidia.so.", version)}) {
    for (const std::string& dir : XorgDirs(roots, library_dirs)) {
      std::string candidate = JoinPath(dir, name);
      if (auto file = AtRootPath(view, roots, candidate)) {
        found.push_back(*std::move(file));
        break;
      }
    }
  }
  return found;
}

}  // namespace

DriverExtras LocateDriverExtras(const hostfs::HostView& view,
                                const hostfs::DriverRoots& roots,
                                const std::string& version,
                                const std::vector<std::string>& library_dirs,
                                const ExtrasOptions& options) {
  DriverExtras extras;
  extras.binaries = Binaries(view, roots, options.binary_dirs);
  extras.firmware = Firmware(view, roots, version, options.kernel_release);
  if (options.ipc_sockets) extras.ipc_sockets = IpcSockets(view, roots);
  extras.config_files = ConfigFiles(view, roots, options);
  extras.xorg_modules = XorgModules(view, roots, version, library_dirs);
  return extras;
}

}  // namespace gpulet::cdi

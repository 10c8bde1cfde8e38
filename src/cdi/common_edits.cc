#include "cdi/common_edits.h"

#include <fnmatch.h>

#include <set>

#include "absl/strings/str_join.h"

namespace gpulet::cdi {
namespace {

const std::vector<std::string>& ReadOnlyOptions() {
  static const std::vector<std::string> kOptions = {"ro", "nosuid", "nodev", "rbind",
                                                    "rprivate"};
  return kOptions;
}

const std::vector<std::string>& SocketOptions() {
  static const std::vector<std::string> kOptions = {"nosuid", "nodev", "rbind",
                                                    "rprivate", "noexec"};
  return kOptions;
}

void AddMounts(const std::vector<DriverFile>& files,
               const std::vector<std::string>& options, ContainerEdits& edits) {
  for (const DriverFile& file : files) {
    edits.mounts.push_back(Mount{file.host_path, file.container_path, "", options});
  }
}

// Container dirs of mounted libraries ("lib?*.so*"), sorted: update-ldcache
// folders.
std::vector<std::string> LibraryFolders(const std::vector<Mount>& mounts) {
  std::set<std::string> folders;
  for (const Mount& mount : mounts) {
    size_t slash = mount.container_path.rfind('/');
    std::string name = mount.container_path.substr(slash + 1);
    if (fnmatch("lib?*.so*", name.c_str(), 0) == 0) {
      folders.insert(slash == 0 ? "/" : mount.container_path.substr(0, slash));
    }
  }
  return {folders.begin(), folders.end()};
}

void AddHooks(const CommonEditsInput& input, ContainerEdits& edits) {
  const HookFactory& hooks = *input.hooks;
  std::vector<std::string> link_args;
  for (const LibraryLink& link : input.libraries->links) {
    link_args.push_back("--link");
    link_args.push_back(link.ToHookArg());
  }
  if (!link_args.empty()) {
    if (auto hook = hooks.Make(kCreateSymlinksHook, std::move(link_args))) {
      edits.hooks.push_back(*std::move(hook));
    }
  }
  if (auto hook = hooks.Make(kEnableCudaCompatHook,
                             {"--host-driver-version=" + input.driver_version})) {
    edits.hooks.push_back(*std::move(hook));
  }
  std::vector<std::string> ldcache_args;
  if (!input.ldconfig_path.empty()) {
    ldcache_args = {"--ldconfig-path", input.ldconfig_path};
  }
  for (const std::string& folder : LibraryFolders(edits.mounts)) {
    ldcache_args.push_back("--folder");
    ldcache_args.push_back(folder);
  }
  if (auto hook = hooks.Make(kUpdateLdcacheHook, std::move(ldcache_args))) {
    edits.hooks.push_back(*std::move(hook));
  }
}

}  // namespace

ContainerEdits BuildCommonEdits(const CommonEditsInput& input) {
  ContainerEdits edits;
  if (!input.libraries->library_dirs.empty()) {
    edits.env.push_back("NVIDIA_CTK_LIBCUDA_DIR=" +
                        absl::StrJoin(input.libraries->library_dirs, ":"));
  }
  edits.env.push_back("NVIDIA_VISIBLE_DEVICES=void");
  AddMounts(input.libraries->libraries, ReadOnlyOptions(), edits);
  AddMounts(input.extras->xorg_modules, ReadOnlyOptions(), edits);
  AddMounts(input.extras->binaries, ReadOnlyOptions(), edits);
  AddMounts(input.extras->firmware, ReadOnlyOptions(), edits);
  AddMounts(input.extras->config_files, ReadOnlyOptions(), edits);
  AddMounts(input.extras->ipc_sockets, SocketOptions(), edits);
  AddHooks(input, edits);
  return edits;
}

}  // namespace gpulet::cdi

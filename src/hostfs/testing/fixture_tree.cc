#include "hostfs/testing/fixture_tree.h"

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"
#include "hostfs/path.h"

namespace gpulet::hostfs::testing {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void Die(std::string_view what, std::string_view path,
                      const std::error_code& error) {
  std::fprintf(stderr, "FixtureTree: %.*s \"%.*s\": %s\n",
               static_cast<int>(what.size()), what.data(),
               static_cast<int>(path.size()), path.data(),
               error.message().c_str());
  std::abort();
}

void MakeParent(const fs::path& path) {
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  if (error) Die("cannot create the parent of", path.native(), error);
}

}  // namespace

FixtureTree::FixtureTree() {
  std::error_code error;
  fs::path tmp = fs::temp_directory_path(error);
  if (error) Die("no temp dir", "", error);
  std::string pattern = (tmp / "hostfs-XXXXXX").native();
  if (mkdtemp(pattern.data()) == nullptr) {
    Die("mkdtemp", pattern, std::error_code(errno, std::generic_category()));
  }
  prefix_ = pattern;
}

FixtureTree::~FixtureTree() {
  std::error_code ignored;
  fs::remove_all(prefix_, ignored);
}

std::string FixtureTree::PathOf(std::string_view host_path) const {
  return JoinPath(prefix_, host_path);
}

void FixtureTree::AddFile(std::string_view host_path,
                          std::string_view contents) {
  fs::path path = PathOf(host_path);
  MakeParent(path);
  Remove(host_path);
  std::ofstream out(path, std::ios::binary);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  out.close();
  if (!out) Die("cannot write", path.native(), std::error_code(EIO, std::generic_category()));
}

void FixtureTree::AddDirectory(std::string_view host_path) {
  std::error_code error;
  fs::create_directories(PathOf(host_path), error);
  if (error) Die("cannot create directory", host_path, error);
}

void FixtureTree::AddSymlink(std::string_view host_path,
                             std::string_view target) {
  fs::path path = PathOf(host_path);
  MakeParent(path);
  Remove(host_path);
  std::error_code error;
  fs::create_symlink(fs::path(target), path, error);
  if (error) Die("cannot create symlink", path.native(), error);
}

void FixtureTree::AddDeviceNode(std::string_view host_path) {
  AddFile(host_path, "");
}

void FixtureTree::Remove(std::string_view host_path) {
  std::error_code error;
  fs::remove_all(PathOf(host_path), error);
  if (error) Die("cannot remove", host_path, error);
}

void FixtureTree::AddTmpfsMount(std::string_view host_dir) {
  if (mountinfo_.empty()) {
    mountinfo_ = "1 0 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n";
  }
  int id = next_mount_id_++;
  absl::StrAppend(&mountinfo_, id, " 1 0:", id, " / ", PathOf(host_dir),
                  " rw,nosuid shared:", id, " - tmpfs tmpfs rw,mode=755\n");
  AddDirectory(host_dir);
  AddFile("/proc/self/mountinfo", mountinfo_);
}

void FixtureTree::AddGpu(std::string_view dev_root, int minor,
                         std::string_view sysfs_bus_id, int numa_node) {
  AddFile(absl::StrCat("/proc/driver/nvidia/gpus/", AsAbsl(sysfs_bus_id), "/information"),
          absl::StrCat("Model: \t\t NVIDIA Fixture GPU\nDevice Minor: \t ", minor,
                       "\nBus Location: \t ", AsAbsl(sysfs_bus_id), "\n"));
  AddFile(absl::StrCat("/sys/bus/pci/devices/", AsAbsl(sysfs_bus_id), "/numa_node"),
          absl::StrCat(numa_node, "\n"));
  AddDeviceNode(JoinPath(JoinPath(dev_root, "dev"), absl::StrCat("nvidia", minor)));
}

void FixtureTree::AddControlNodes(std::string_view dev_root) {
  for (std::string_view name :
       {"nvidiactl", "nvidia-uvm", "nvidia-uvm-tools", "nvidia-modeset"}) {
    AddDeviceNode(JoinPath(JoinPath(dev_root, "dev"), name));
  }
}

void FixtureTree::AddNvmlLibrary(std::string_view driver_root,
                                 std::string_view lib_dir,
                                 std::string_view version) {
  std::string dir = JoinPath(driver_root, lib_dir);
  std::string file = absl::StrCat("libnvidia-ml.so.", AsAbsl(version));
  AddFile(JoinPath(dir, file), "\x7f" "ELF fixture");
  AddSymlink(JoinPath(dir, "libnvidia-ml.so.1"), file);
}

}  // namespace gpulet::hostfs::testing

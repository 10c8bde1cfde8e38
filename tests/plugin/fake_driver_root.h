// FakeDriverRoot: a driver root in a temp dir for the process tests of the
// CDI spec — the two libraries the generator dates the driver by
// (libcuda.so.<version>, libnvidia-ml.so.<version>), the control nodes and
// /dev/nvidia<minor> for each GPU minor, as empty regular files (tests run
// without CAP_MKNOD). Pass its path as --driver-root.
//
// Test-only; not thread-safe. The dir is removed when it is destroyed.
#ifndef GPULET_TESTS_PLUGIN_FAKE_DRIVER_ROOT_H_
#define GPULET_TESTS_PLUGIN_FAKE_DRIVER_ROOT_H_

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace gpulet::testing {

class FakeDriverRoot {
 public:
  FakeDriverRoot(const std::string& version, int gpus) {
    std::string pattern = std::filesystem::temp_directory_path() / "gpulet-driver-XXXXXX";
    char* made = mkdtemp(pattern.data());
    if (made != nullptr) path_ = made;
    std::string lib = "/usr/lib/x86_64-linux-gnu/";
    for (const char* name : {"libcuda.so.", "libnvidia-ml.so.", "libnvidia-ptxjitcompiler.so."}) {
      Touch(lib + name + version);
    }
    for (const char* node : {"nvidiactl", "nvidia-uvm", "nvidia-uvm-tools"}) {
      Touch(std::string("/dev/") + node);
    }
    for (int minor = 0; minor < gpus; ++minor) Touch("/dev/nvidia" + std::to_string(minor));
  }
  ~FakeDriverRoot() {
    std::error_code error;
    if (!path_.empty()) std::filesystem::remove_all(path_, error);
  }
  FakeDriverRoot(const FakeDriverRoot&) = delete;
  FakeDriverRoot& operator=(const FakeDriverRoot&) = delete;

  const std::string& path() const { return path_; }
  // Creates an empty file at `relative` (e.g. "/dev/nvidia3") below the root.
  void Touch(const std::string& relative) const {
    std::filesystem::path file = path_ + relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file).put('\0');
  }
  void Remove(const std::string& relative) const {
    std::error_code error;
    std::filesystem::remove(path_ + relative, error);
  }

 private:
  std::string path_;
};

}  // namespace gpulet::testing

#endif  // GPULET_TESTS_PLUGIN_FAKE_DRIVER_ROOT_H_

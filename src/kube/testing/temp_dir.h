// TempDir: a directory under $TMPDIR (or /tmp) for one test, removed with
// everything in it on destruction. Not thread-safe.
#ifndef GPULET_KUBE_TESTING_TEMP_DIR_H_
#define GPULET_KUBE_TESTING_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

namespace gpulet::kube::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "gpulet-kube-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Join(std::string_view name) const { return path_ + "/" + std::string(name); }

  // Writes `text` to `name` (creating parent directories); returns the path.
  std::string Write(std::string_view name, std::string_view text) const {
    std::string file = Join(name);
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(file).parent_path(), ec);
    std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
    return file;
  }

 private:
  std::string path_;
};

}  // namespace gpulet::kube::testing

#endif  // GPULET_KUBE_TESTING_TEMP_DIR_H_

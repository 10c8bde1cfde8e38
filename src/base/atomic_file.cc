#include "base/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace gpulet {
namespace {

absl::Status StepError(int error_number, std::string_view step,
                       const std::string& path) {
  return absl::ErrnoToStatus(
      error_number, absl::StrCat("writing \"", path, "\": ",
                                 absl::string_view(step.data(), step.size()),
                                 " failed"));
}

// Splits "/a/b/c" into "/a/b" and "c"; a bare name lives in ".".
void SplitPath(const std::string& path, std::string* dir, std::string* base) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) {
    *dir = ".";
    *base = path;
  } else {
    *dir = slash == 0 ? "/" : path.substr(0, slash);
    *base = path.substr(slash + 1);
  }
}

absl::Status WriteAll(int fd, std::string_view contents,
                      const std::string& temp_path) {
  while (!contents.empty()) {
    ssize_t n = ::write(fd, contents.data(), contents.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return StepError(errno, absl::StrCat("write of temp file \"", temp_path,
                                           "\""),
                       temp_path);
    }
    contents.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

// Everything that happens to the temp file before it becomes visible. On
// error the caller unlinks the temp file; `fd` is always closed here.
absl::Status FillTempFile(int fd, const std::string& temp_path,
                          const std::string& path, std::string_view contents,
                          mode_t mode) {
  absl::Status status = WriteAll(fd, contents, temp_path);
  if (status.ok() && ::fsync(fd) != 0) status = StepError(errno, "fsync", path);
  // mkstemp creates the file 0600; it must get its final mode while still
  // invisible, or a reader of another uid can open it between rename and
  // chmod and fail.
  if (status.ok() && ::fchmod(fd, mode) != 0) {
    status = StepError(errno, "fchmod", path);
  }
  if (::close(fd) != 0 && status.ok()) {
    status = StepError(errno, "close", path);
  }
  return status;
}

absl::Status SyncDirectory(const std::string& dir, const std::string& path) {
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return StepError(errno, "open of the directory", path);
  absl::Status status;
  if (::fsync(dir_fd) != 0) {
    status = StepError(errno, "fsync of the directory", path);
  }
  if (::close(dir_fd) != 0 && status.ok()) {
    status = StepError(errno, "close of the directory", path);
  }
  return status;
}

}  // namespace

absl::Status WriteFileAtomically(const std::string& path,
                                 std::string_view contents, mode_t mode) {
  std::string dir, base;
  SplitPath(path, &dir, &base);
  if (base.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("writing \"", path, "\": the path names no file"));
  }
  std::string temp_path =
      absl::StrCat(dir == "/" ? "" : dir, "/.", base, ".tmp-XXXXXX");
  std::vector<char> temp_template(temp_path.begin(), temp_path.end());
  temp_template.push_back('\0');
  int fd = ::mkostemp(temp_template.data(), O_CLOEXEC);
  if (fd < 0) return StepError(errno, "creating the temp file", path);
  temp_path.assign(temp_template.data());

  absl::Status status = FillTempFile(fd, temp_path, path, contents, mode);
  if (status.ok() && ::rename(temp_path.c_str(), path.c_str()) != 0) {
    status = StepError(errno, "rename of the temp file", path);
  }
  if (!status.ok()) {
    // The temp file is ours and half-made; failing to remove it does not
    // change the outcome reported to the caller.
    (void)::unlink(temp_path.c_str());
    return status;
  }
  return SyncDirectory(dir, path);
}

}  // namespace gpulet

#include "checkpoint/prefix_host_reader.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace gpulet::checkpoint {
namespace {

PlainStatus ErrnoStatus(int err, const std::string& what, const std::string& path) {
  PlainCode code = (err == ENOENT || err == ESRCH || err == ENOTDIR) ? PlainCode::kNotFound
                                                                     : PlainCode::kInternal;
  return {code, what + " " + path + ": " + std::strerror(err)};
}

}  // namespace

PrefixHostReader::PrefixHostReader(std::string prefix) : prefix_(std::move(prefix)) {
  while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
}

std::string PrefixHostReader::Local(std::string_view host_path) const {
  return prefix_ + std::string(host_path);
}

PlainStatus PrefixHostReader::ReadFile(std::string_view host_path,
                                       std::string* content) const {
  std::string path = Local(host_path);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "cannot open", std::string(host_path));
  content->clear();
  char buf[8192];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      return ErrnoStatus(err, "cannot read", std::string(host_path));
    }
    if (n == 0) break;
    content->append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return {};
}

PlainStatus PrefixHostReader::ListDirectory(std::string_view host_path,
                                            std::vector<std::string>* names) const {
  std::string path = Local(host_path);
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) return ErrnoStatus(errno, "cannot list", std::string(host_path));
  names->clear();
  while (dirent* entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names->push_back(std::move(name));
  }
  closedir(dir);
  std::sort(names->begin(), names->end());
  return {};
}

std::optional<std::string> PrefixHostReader::ExecutablePath(
    std::string_view host_path) const {
  std::string path = Local(host_path);
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  if (access(path.c_str(), X_OK) != 0) return std::nullopt;
  return path;
}

}  // namespace gpulet::checkpoint

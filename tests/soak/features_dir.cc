#include "features_dir.h"

#include <fcntl.h>
#include <signal.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "absl/strings/str_cat.h"

namespace gpulet::soak {
namespace {

constexpr char kTmpfsOptions[] = "size=64k,mode=0755";
constexpr char kFiller[] = "/.filler";

absl::Status Errno(const std::string& what) { return absl::ErrnoToStatus(errno, what); }

}  // namespace

absl::Status FeaturesDir::PrepareMountNamespace() {
  // A full file system must fail the write, not kill the writer (see the
  // header); the agent inherits the ignored disposition.
  signal(SIGXFSZ, SIG_IGN);
  if (geteuid() != 0) return absl::OkStatus();
  if (unshare(CLONE_NEWNS) != 0) return Errno("unshare(CLONE_NEWNS)");
  // Without this the tmpfs would propagate to the host's namespace.
  if (mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return Errno("making / private");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<FeaturesDir>> FeaturesDir::Create(std::string path) {
  if (mkdir(path.c_str(), 0755) != 0) return Errno(absl::StrCat("mkdir ", path));
  bool tmpfs = geteuid() == 0;
  if (tmpfs && mount("tmpfs", path.c_str(), "tmpfs", 0, kTmpfsOptions) != 0) {
    return Errno(absl::StrCat("mounting a tmpfs on ", path));
  }
  return std::unique_ptr<FeaturesDir>(new FeaturesDir(std::move(path), tmpfs));
}

FeaturesDir::~FeaturesDir() {
  if (tmpfs_) (void)umount2(path_.c_str(), MNT_DETACH);
}

std::string FeaturesDir::Mechanism() const {
  return tmpfs_ ? "64 KiB tmpfs: remounted read-only (EROFS), filled by a file (ENOSPC)"
                : "mode 0555 (EACCES); RLIMIT_FSIZE on the agent (EFBIG)";
}

absl::Status FeaturesDir::SetReadOnly(bool read_only) {
  if (tmpfs_) {
    unsigned long flags = MS_REMOUNT | (read_only ? MS_RDONLY : 0);
    if (mount("tmpfs", path_.c_str(), "tmpfs", flags, kTmpfsOptions) != 0) {
      return Errno(absl::StrCat("remounting ", path_));
    }
    return absl::OkStatus();
  }
  if (chmod(path_.c_str(), read_only ? 0555 : 0755) != 0) return Errno("chmod " + path_);
  return absl::OkStatus();
}

absl::Status FeaturesDir::SetFull(bool full) {
  std::string filler = path_ + kFiller;
  if (!tmpfs_) {
    struct rlimit limit = {.rlim_cur = full ? 0 : RLIM_INFINITY,
                           .rlim_max = RLIM_INFINITY};
    if (prlimit(agent_, RLIMIT_FSIZE, &limit, nullptr) != 0) return Errno("prlimit");
    return absl::OkStatus();
  }
  if (!full) {
    if (unlink(filler.c_str()) != 0) return Errno("unlink " + filler);
    return absl::OkStatus();
  }
  int fd = open(filler.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("open " + filler);
  char block[4096] = {};
  while (write(fd, block, sizeof(block)) > 0) {
  }
  int error = errno;
  close(fd);
  if (error != ENOSPC) return absl::ErrnoToStatus(error, "filling " + path_);
  return absl::OkStatus();
}

}  // namespace gpulet::soak

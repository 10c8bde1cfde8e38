// FeaturesDir: the features.d directory the agent writes its labels into,
// made read-only or full on demand, as a node's disk can be.
//
// As root it is a 64 KiB tmpfs in a mount namespace of the soak's own, so
// the agent meets what a node shows it: read-only is a remount (EROFS) and
// full is a filler file taking every free block (ENOSPC). Without root no
// file system can be mounted, so read-only is mode 0555 (EACCES) and full
// is RLIMIT_FSIZE lowered on the running agent with prlimit (EFBIG; the
// agent inherits the soak's ignored SIGXFSZ, so the write fails instead of
// killing it, as ENOSPC would). The limit covers every file the agent
// writes, its log included, for as long as the fault lasts.
//
// Not thread-safe: one fault driver uses it. PrepareMountNamespace() must
// run before the process starts any thread, so that every later thread and
// the agent share the namespace.
#ifndef GPULET_TESTS_SOAK_FEATURES_DIR_H_
#define GPULET_TESTS_SOAK_FEATURES_DIR_H_

#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace gpulet::soak {

class FeaturesDir {
 public:
  // As root: a private mount namespace (the tmpfs vanishes with the soak).
  // Without root: nothing. Internal when unshare or the remount fails.
  static absl::Status PrepareMountNamespace();

  // Creates `path` (a tmpfs as root).
  static absl::StatusOr<std::unique_ptr<FeaturesDir>> Create(std::string path);
  ~FeaturesDir();

  void SetAgent(pid_t pid) { agent_ = pid; }
  const std::string& path() const { return path_; }
  // "tmpfs (EROFS, ENOSPC)" or "mode 0555 / RLIMIT_FSIZE (EACCES, EFBIG)".
  std::string Mechanism() const;

  absl::Status SetReadOnly(bool read_only);
  absl::Status SetFull(bool full);

 private:
  FeaturesDir(std::string path, bool tmpfs) : path_(std::move(path)), tmpfs_(tmpfs) {}

  const std::string path_;
  const bool tmpfs_;
  pid_t agent_ = 0;
};

}  // namespace gpulet::soak

#endif  // GPULET_TESTS_SOAK_FEATURES_DIR_H_

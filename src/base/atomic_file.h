// Atomic replacement of a whole file, for files that other processes read
// while gpulet rewrites them (features.d label files, CDI specs).
//
// A reader that opens `path` at any moment sees either the complete previous
// file or the complete new one, with the new mode already in place. This is
// the fix for the race in which NVIDIA's GFD renamed a 0600 temp file into
// features.d before chmod-ing it, so nfd-worker (another uid) sometimes got
// "permission denied".
//
// Thread-safe: concurrent calls for the same path each write their own temp
// file; the last rename wins.
#ifndef GPULET_BASE_ATOMIC_FILE_H_
#define GPULET_BASE_ATOMIC_FILE_H_

#include <sys/types.h>

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace gpulet {

// Replaces `path` with `contents`, file mode `mode` (e.g. 0644).
//
// Steps: create a temp file named ".<basename>.tmp-XXXXXX" in the directory
// of `path` (the leading dot makes directory scanners such as nfd-worker skip
// it), write, fsync, fchmod to `mode`, rename over `path`, fsync the
// directory. The chmod always precedes the rename.
//
// On failure the temp file is removed and `path` is left as it was. The
// returned status carries the errno-derived code (PermissionDenied for an
// unwritable directory, NotFound for a missing one, FailedPrecondition when
// `path` is a directory, ...) and a message naming the path and the step
// that failed. A failure of the final directory fsync is reported although
// the new contents are then already visible.
absl::Status WriteFileAtomically(const std::string& path,
                                 std::string_view contents, mode_t mode);

}  // namespace gpulet

#endif  // GPULET_BASE_ATOMIC_FILE_H_

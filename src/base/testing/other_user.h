// Runs a piece of a test in a forked child under another uid, for tests of
// what a process of another user (nfd-worker, a container) sees of the files
// gpulet writes.
//
// Test-only. Call from a single-threaded test: the child runs `body` after
// fork(), where only async-signal-safe behaviour is guaranteed in a
// multi-threaded parent.
#ifndef GPULET_BASE_TESTING_OTHER_USER_H_
#define GPULET_BASE_TESTING_OTHER_USER_H_

#include <sys/types.h>

#include <functional>

#include "absl/status/statusor.h"

namespace gpulet::testing {

// The uid and gid of "nobody".
inline constexpr uid_t kNobodyUid = 65534;
inline constexpr gid_t kNobodyGid = 65534;

// True when the process may switch to another uid (it runs as root).
bool CanRunAsOtherUser();

// Forks; the child drops to nobody and exits with `body()`'s result (0..255).
// Returns that exit code, or Internal when fork/wait fails or the child dies
// of a signal, FailedPrecondition when dropping privileges fails.
absl::StatusOr<int> RunAsNobody(const std::function<int()>& body);

}  // namespace gpulet::testing

#endif  // GPULET_BASE_TESTING_OTHER_USER_H_

// SmapsBreakdown: where a process's resident memory lies, read from
// /proc/<pid>/smaps and grouped the way a memory budget is argued about —
// each mapped file (program text, rodata, relocated data, and the .bss that
// follows it), the brk heap, glibc's per-thread malloc arenas, thread
// stacks, the main stack, and the anonymous rest (large mallocs, gRPC's own
// mmaps, a Go runtime's heap).
//
// Arenas and stacks are recognised by shape, not by name, since the kernel
// names neither: a glibc malloc arena is a 64 MiB-aligned anonymous rw-p
// mapping followed by its ---p reserve; a pthread stack is an anonymous
// rw-p mapping directly above a ---p guard; Go's heap arenas are 64 MiB
// aligned too, but far below glibc's mmaps. Good enough for glibc programs
// and cgo Go programs; a program with its own allocator may land in "other
// anonymous".
//
// A value type; reading is not atomic with respect to the process.
#ifndef GPULET_BENCH_NODE_SMAPS_BREAKDOWN_H_
#define GPULET_BENCH_NODE_SMAPS_BREAKDOWN_H_

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace gpulet::bench {

struct MemoryPart {
  std::string name;       // "gpulet", "libc.so.6", "[heap]", "thread stacks", ...
  size_t mappings = 0;    // how many mappings fell here
  size_t rss_kib = 0;     // resident
  size_t pss_kib = 0;     // proportional (shared pages divided among sharers)
  size_t private_dirty_kib = 0;
};

struct SmapsBreakdown {
  size_t rss_kib = 0;  // sum over all mappings
  size_t pss_kib = 0;
  size_t threads = 0;  // entries of /proc/<pid>/task
  // Thread names (/proc/<pid>/task/*/comm) and how many have each,
  // "grpc_global_tim 1, gpulet 3".
  std::string thread_names;
  std::vector<MemoryPart> parts;  // largest RSS first

  // The part named `name`; nullptr when absent.
  const MemoryPart* Find(std::string_view name) const;
};

// Parses smaps text. `threads` is left 0.
SmapsBreakdown ParseSmaps(std::string_view smaps);

// Reads /proc/<pid>/smaps and /proc/<pid>/task. NotFound when the process
// is gone.
absl::StatusOr<SmapsBreakdown> ReadSmapsBreakdown(pid_t pid);

}  // namespace gpulet::bench

#endif  // GPULET_BENCH_NODE_SMAPS_BREAKDOWN_H_

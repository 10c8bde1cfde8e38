// ProcessTable: a snapshot of the host's processes as `gpulet checkpoint`
// needs them to turn a target into PIDs: each PID with its parent and its
// pod and container (from its cgroup).
//
// Read through a HostView, so the same code runs on the node, in a pod
// that mounts the host's /proc, and on a fixture tree in tests. A process
// that exits while the table is read is left out; one whose cgroup file is
// unreadable or malformed is kept with that error, so one odd process
// cannot hide the others.
//
// A value: immutable after Read(); const methods are thread-safe.
#ifndef GPULET_CHECKPOINT_PROCESS_TABLE_H_
#define GPULET_CHECKPOINT_PROCESS_TABLE_H_

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "checkpoint/cgroup_identity.h"
#include "hostfs/host_view.h"

namespace gpulet::checkpoint {

struct ProcessEntry {
  pid_t pid = 0;
  pid_t parent = 0;
  CgroupIdentity cgroup;
  // Not OK when /proc/<pid>/cgroup could not be read or parsed; `cgroup`
  // is then empty.
  absl::Status cgroup_status;
};

class ProcessTable {
 public:
  // Every numeric entry of the host's /proc, sorted by PID. NotFound or
  // FailedPrecondition (naming /proc) when /proc cannot be listed.
  static absl::StatusOr<ProcessTable> Read(const hostfs::HostView& host);
  // For tests of the users of the table.
  static ProcessTable FromEntriesForTest(std::vector<ProcessEntry> entries);

  const std::vector<ProcessEntry>& entries() const { return entries_; }
  // The entry of `pid`, or null.
  const ProcessEntry* Find(pid_t pid) const;
  // `pid` and every process below it, sorted.
  std::vector<pid_t> WithDescendants(pid_t pid) const;
  // The entries whose cgroup could not be read, for error messages.
  std::vector<const ProcessEntry*> Unreadable() const;

 private:
  explicit ProcessTable(std::vector<ProcessEntry> entries);
  std::vector<ProcessEntry> entries_;  // sorted by pid
};

}  // namespace gpulet::checkpoint

#endif  // GPULET_CHECKPOINT_PROCESS_TABLE_H_

// Parser for /proc/<pid>/mountinfo (proc(5)), and the search for device
// directories mounted under a driver root.
//
// The GPU Operator's driver container creates its device nodes in its own
// /dev, a tmpfs that the host sees at "/run/nvidia/driver/dev"; the host's
// /dev may have no /dev/nvidiactl at all. Mount points of tmpfs/devtmpfs
// filesystems named ".../dev" are where such nodes can be found.
//
// Pure functions over text; thread-safe.
#ifndef GPULET_HOSTFS_MOUNTINFO_H_
#define GPULET_HOSTFS_MOUNTINFO_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace gpulet::hostfs {

// One line of mountinfo:
//   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
struct MountInfoEntry {
  int mount_id = 0;
  int parent_id = 0;
  unsigned int major = 0;
  unsigned int minor = 0;
  std::string root;           // octal escapes ("\040") decoded
  std::string mount_point;    // decoded; a path as the reading process sees it
  std::string mount_options;
  std::vector<std::string> optional_fields;  // "shared:1", "master:2", ...
  std::string fs_type;
  std::string source;         // decoded
  std::string super_options;

  friend bool operator==(const MountInfoEntry&, const MountInfoEntry&) =
      default;
};

// Parses mountinfo text, one entry per non-empty line, in file order.
// InvalidArgument naming the 1-based line number and quoting the line when
// a line has too few fields, no "-" separator, a non-numeric or out-of-range
// id, a bad "major:minor" or a bad escape; also when `text` holds no entry
// (every process has at least its root mounted).
absl::StatusOr<std::vector<MountInfoEntry>> ParseMountInfo(
    std::string_view text);

// Mount points of tmpfs or devtmpfs filesystems whose last component is
// "dev", other than "/dev" itself, in mount order without duplicates. These
// are where a driver container's /dev can be visible; the parent of each is
// a candidate dev root. Paths are as the mountinfo reader sees them (agent
// paths; HostView::ToHostPath maps them to the host).
std::vector<std::string> FindDevMountPoints(
    const std::vector<MountInfoEntry>& entries);

}  // namespace gpulet::hostfs

#endif  // GPULET_HOSTFS_MOUNTINFO_H_

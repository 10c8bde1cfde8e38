// CgroupIdentity: which Kubernetes pod and CRI container a process belongs
// to, read from its /proc/<pid>/cgroup. This is how `gpulet checkpoint
// --container` and `--pod` find host PIDs without asking the runtime.
//
// The kubelet and the runtimes name cgroups in a few fixed shapes, with the
// systemd or the cgroupfs driver, on cgroup v1 (one line per hierarchy) and
// v2 (one "0::" line):
//   containerd  .../kubepods-burstable-pod<uid_>.slice/cri-containerd-<id>.scope
//               /kubepods/burstable/pod<uid>/<id>
//   CRI-O       .../crio-<id>.scope   (crio-conmon-<id>.scope is its monitor,
//                                      not the container)
//   docker      /system.slice/docker-<id>.scope, /docker/<id>
// A container id is 64 lowercase hex digits; a pod UID is a UUID, written
// with '_' instead of '-' inside systemd slice names.
//
// Pure functions over text; thread-safe.
#ifndef GPULET_CHECKPOINT_CGROUP_IDENTITY_H_
#define GPULET_CHECKPOINT_CGROUP_IDENTITY_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace gpulet::checkpoint {

struct CgroupIdentity {
  std::string container_id;  // "" when the process is in no container
  std::string pod_uid;       // "" outside a kubelet pod cgroup; with '-'

  friend bool operator==(const CgroupIdentity&, const CgroupIdentity&) = default;
};

// Parses the text of /proc/<pid>/cgroup. Lines are
// "<hierarchy id>:<controllers>:<path>"; the first line that names a
// container (and a pod) decides, so v1's per-controller lines, which agree,
// cost nothing extra. A process outside any container ("0::/init.scope")
// has an empty identity. InvalidArgument naming the 1-based line and
// quoting it when a line lacks its two ':' separators, has a non-numeric
// hierarchy id or a relative path; also for text with no line at all
// (every process is in some cgroup).
absl::StatusOr<CgroupIdentity> ParseCgroupIdentity(std::string_view text);

// The container id in one cgroup path, or "" when it names none (the
// deepest component that does wins: a runtime may nest cgroups below the
// container's own).
std::string ContainerIdFromCgroupPath(std::string_view path);

// The pod UID (with '-') in one cgroup path, or "".
std::string PodUidFromCgroupPath(std::string_view path);

// True for a full container id: 64 lowercase hex digits.
bool IsContainerId(std::string_view text);

// The container id of a CRI container reference as users write it: the
// id itself or a prefix of it (as crictl prints 13 digits), or
// "<runtime>://<id>" as a pod's status.containerStatuses[].containerID.
// InvalidArgument quoting the text when what remains is not 1 to 64
// lowercase hex digits.
absl::StatusOr<std::string> NormalizeContainerRef(std::string_view text);

}  // namespace gpulet::checkpoint

#endif  // GPULET_CHECKPOINT_CGROUP_IDENTITY_H_

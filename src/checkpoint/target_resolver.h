// TargetResolver: the host PIDs that `gpulet checkpoint --pid`,
// `--container` or `--pod` stands for.
//
//   --pid N          N and every process below it. A CUDA application's
//                    workers are often its children (data loaders, ranks
//                    spawned by a launcher); suspending the parent alone
//                    would leave them holding the GPU, and CRIU, too, works
//                    on whole trees.
//   --container ID   every process in the container's cgroup; ID is the CRI
//                    id, a prefix of it as crictl prints it, or
//                    "containerd://<id>".
//   --pod NS/NAME    every process in the pod's cgroup (its UID from the API
//                    server) or in one of its containers' cgroups (their
//                    ids from the pod's status): the two agree, and either
//                    alone finds the processes when the other shape is
//                    unknown to us.
// Which of those processes use CUDA is the checkpointer's business; the
// resolver hands over every PID, sorted.
//
// Thread-safe: Resolve() reads /proc afresh on each call and keeps nothing.
// The client, when given, must outlive the resolver.
#ifndef GPULET_CHECKPOINT_TARGET_RESOLVER_H_
#define GPULET_CHECKPOINT_TARGET_RESOLVER_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hostfs/host_view.h"
#include "kube/client.h"

namespace gpulet::checkpoint {

struct Target {
  enum class Kind { kPid, kContainer, kPod };
  Kind kind = Kind::kPid;
  std::string value;  // "42", a container id, "ns/name"

  // "pid 42", "container 0123abcd…", "pod ns/name": for messages.
  std::string ToString() const;
};

class TargetResolver {
 public:
  // `client` may be null; pod targets then fail with FailedPrecondition.
  TargetResolver(hostfs::HostView host, kube::Client* client)
      : host_(std::move(host)), client_(client) {}

  // The sorted PIDs of `target`, never empty. Errors:
  //   InvalidArgument  a malformed value, or a container prefix that
  //                    matches several containers (naming them)
  //   NotFound         no such process, container or pod, or a pod with no
  //                    process on this node (naming its node); the message
  //                    names processes whose cgroup could not be read
  //   FailedPrecondition  a pod target without API server access
  // and the errors of reading /proc and of the API server.
  absl::StatusOr<std::vector<pid_t>> Resolve(const Target& target) const;

 private:
  const hostfs::HostView host_;
  kube::Client* const client_;
};

}  // namespace gpulet::checkpoint

#endif  // GPULET_CHECKPOINT_TARGET_RESOLVER_H_

#include "checkpoint/target_resolver.h"

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/absl_string_view.h"
#include "base/status_macros.h"
#include "checkpoint/cgroup_identity.h"
#include "checkpoint/pod_lookup.h"
#include "checkpoint/process_table.h"

namespace gpulet::checkpoint {
namespace {

// Why a target may have been missed: processes whose cgroup we could not
// read. Empty when there are none.
std::string UnreadableNote(const ProcessTable& table) {
  std::vector<const ProcessEntry*> unreadable = table.Unreadable();
  if (unreadable.empty()) return "";
  return absl::StrCat(" (", unreadable.size(),
                      " processes with an unreadable cgroup file were skipped, e.g. ",
                      unreadable.front()->cgroup_status.message(), ")");
}

absl::StatusOr<std::vector<pid_t>> ResolvePid(const ProcessTable& table,
                                              const std::string& value) {
  pid_t pid = 0;
  if (!absl::SimpleAtoi(value, &pid) || pid <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("pid \"", value, "\": expected a positive process id"));
  }
  if (table.Find(pid) == nullptr) {
    return absl::NotFoundError(absl::StrCat("pid ", pid, ": no such process"));
  }
  return table.WithDescendants(pid);
}

absl::StatusOr<std::vector<pid_t>> ResolveContainer(const ProcessTable& table,
                                                    const std::string& value) {
  ASSIGN_OR_RETURN(std::string ref, NormalizeContainerRef(value));
  std::set<std::string> ids;
  std::vector<pid_t> pids;
  for (const ProcessEntry& e : table.entries()) {
    if (!e.cgroup.container_id.empty() &&
        absl::StartsWith(e.cgroup.container_id, ref)) {
      ids.insert(e.cgroup.container_id);
      pids.push_back(e.pid);
    }
  }
  if (ids.size() > 1) {
    return absl::InvalidArgumentError(absl::StrCat("container \"", ref, "\" matches ",
                                                   ids.size(), " containers: ",
                                                   absl::StrJoin(ids, ", ")));
  }
  if (pids.empty()) {
    return absl::NotFoundError(absl::StrCat("container ", ref,
                                            ": no process of this node is in its cgroup",
                                            UnreadableNote(table)));
  }
  return pids;
}

std::vector<pid_t> PidsOfPod(const ProcessTable& table, const PodInfo& pod) {
  std::set<std::string> ids(pod.container_ids.begin(), pod.container_ids.end());
  std::vector<pid_t> pids;
  for (const ProcessEntry& e : table.entries()) {
    if ((!e.cgroup.pod_uid.empty() && e.cgroup.pod_uid == pod.uid) ||
        ids.contains(e.cgroup.container_id)) {
      pids.push_back(e.pid);
    }
  }
  return pids;
}

}  // namespace

std::string Target::ToString() const {
  switch (kind) {
    case Kind::kPid:
      return "pid " + value;
    case Kind::kContainer:
      return "container " + value;
    case Kind::kPod:
      return "pod " + value;
  }
  return value;
}

absl::StatusOr<std::vector<pid_t>> TargetResolver::Resolve(const Target& target) const {
  std::optional<PodInfo> pod;
  if (target.kind == Target::Kind::kPod) {
    ASSIGN_OR_RETURN(PodRef ref, ParsePodRef(target.value));
    if (client_ == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("pod ", ref.ToString(), ": needs Kubernetes API access (--kubeconfig "
                       "or the in-cluster service account)"));
    }
    ASSIGN_OR_RETURN(pod, LookUpPod(*client_, ref));
  }
  ASSIGN_OR_RETURN(ProcessTable table, ProcessTable::Read(host_));
  switch (target.kind) {
    case Target::Kind::kPid:
      return ResolvePid(table, target.value);
    case Target::Kind::kContainer:
      return ResolveContainer(table, target.value);
    case Target::Kind::kPod:
      break;
  }
  std::vector<pid_t> pids = PidsOfPod(table, *pod);
  if (pids.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "pod ", pod->ref.ToString(), " (uid ", pod->uid, ") has no process on this node",
        pod->node_name.empty() ? " (not scheduled)"
                               : absl::StrCat(" (it runs on node ", pod->node_name, ")"),
        UnreadableNote(table)));
  }
  return pids;
}

}  // namespace gpulet::checkpoint

#include "checkpoint/process_table.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"
#include "checkpoint/proc_files.h"

namespace gpulet::checkpoint {
namespace {

absl::Status Prefixed(std::string_view path, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(AsAbsl(path), ": ", status.message()));
}

}  // namespace

ProcessTable::ProcessTable(std::vector<ProcessEntry> entries) : entries_(std::move(entries)) {
  std::sort(entries_.begin(), entries_.end(),
            [](const ProcessEntry& a, const ProcessEntry& b) { return a.pid < b.pid; });
}

ProcessTable ProcessTable::FromEntriesForTest(std::vector<ProcessEntry> entries) {
  return ProcessTable(std::move(entries));
}

absl::StatusOr<ProcessTable> ProcessTable::Read(const hostfs::HostView& host) {
  absl::StatusOr<std::vector<std::string>> names = host.ListDirectory("/proc");
  if (!names.ok()) return names.status();
  std::vector<ProcessEntry> entries;
  for (const std::string& name : *names) {
    pid_t pid = 0;
    if (!absl::SimpleAtoi(name, &pid) || pid <= 0) continue;
    const std::string dir = absl::StrCat("/proc/", pid);
    absl::StatusOr<std::string> stat = host.ReadFile(dir + "/stat");
    // Gone since the listing: not a process of any target any more.
    if (!stat.ok()) continue;
    ProcessEntry entry;
    entry.pid = pid;
    // A malformed stat leaves the process parentless: it is still found by
    // its own pid and cgroup.
    entry.parent = ParseStatParentPid(*stat).value_or(0);
    absl::StatusOr<std::string> cgroup = host.ReadFile(dir + "/cgroup");
    if (!cgroup.ok()) {
      if (cgroup.status().code() == absl::StatusCode::kNotFound) continue;
      entry.cgroup_status = cgroup.status();
    } else if (absl::StatusOr<CgroupIdentity> identity = ParseCgroupIdentity(*cgroup);
               identity.ok()) {
      entry.cgroup = *std::move(identity);
    } else {
      entry.cgroup_status = Prefixed(dir + "/cgroup", identity.status());
    }
    entries.push_back(std::move(entry));
  }
  return ProcessTable(std::move(entries));
}

const ProcessEntry* ProcessTable::Find(pid_t pid) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), pid,
                             [](const ProcessEntry& e, pid_t p) { return e.pid < p; });
  return it != entries_.end() && it->pid == pid ? &*it : nullptr;
}

std::vector<pid_t> ProcessTable::WithDescendants(pid_t pid) const {
  std::multimap<pid_t, pid_t> children;
  for (const ProcessEntry& e : entries_) children.emplace(e.parent, e.pid);
  std::set<pid_t> seen;
  std::vector<pid_t> pending = {pid};
  while (!pending.empty()) {
    pid_t next = pending.back();
    pending.pop_back();
    // A parent link that loops (PID reuse between reads) must not spin.
    if (!seen.insert(next).second) continue;
    auto [begin, end] = children.equal_range(next);
    for (auto it = begin; it != end; ++it) pending.push_back(it->second);
  }
  return std::vector<pid_t>(seen.begin(), seen.end());
}

std::vector<const ProcessEntry*> ProcessTable::Unreadable() const {
  std::vector<const ProcessEntry*> out;
  for (const ProcessEntry& e : entries_) {
    if (!e.cgroup_status.ok()) out.push_back(&e);
  }
  return out;
}

}  // namespace gpulet::checkpoint

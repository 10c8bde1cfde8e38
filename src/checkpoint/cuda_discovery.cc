#include "checkpoint/cuda_discovery.h"

#include <map>
#include <set>
#include <string>

#include "checkpoint/parallel_for.h"
#include "checkpoint/proc_files.h"

namespace gpulet::checkpoint {
namespace {

// Asks the tool whether a process that maps libcuda holds a CUDA context.
void FindRestoreTid(const CudaTool& tool, DiscoveredProcess& process) {
  PlainStatus status = tool.GetRestoreTid(process.pid, &process.restore_tid);
  if (status.code() == PlainCode::kNotFound) {
    // Loaded libcuda but holds no CUDA context (yet): nothing to move.
    process.state = CudaState::kNotCuda;
    process.restore_tid = 0;
    return;
  }
  if (!status.ok()) {
    process.restore_tid = 0;
    process.status = status;
  }
}

}  // namespace

std::vector<DiscoveredProcess> FindCudaProcesses(const HostReader& reader,
                                                 const CudaTool& tool,
                                                 const std::vector<pid_t>& pids,
                                                 int parallelism) {
  std::vector<DiscoveredProcess> found(pids.size());
  std::vector<size_t> candidates;
  for (size_t i = 0; i < pids.size(); ++i) {
    found[i].pid = pids[i];
    std::string maps;
    PlainStatus status = reader.ReadFile(ProcPath(pids[i], "maps"), &maps);
    if (!status.ok()) {
      found[i].status = {status.code(), "pid " + std::to_string(pids[i]) +
                                            ": cannot read its maps: " + status.message()};
      continue;
    }
    if (MapsCudaDriver(maps)) {
      candidates.push_back(i);
    } else {
      found[i].state = CudaState::kNotCuda;
    }
  }
  ParallelFor(candidates.size(), parallelism,
              [&](size_t c) { FindRestoreTid(tool, found[candidates[c]]); });
  return found;
}

void ReadCudaStates(const CudaTool& tool, std::vector<DiscoveredProcess>& found,
                    int parallelism) {
  std::vector<size_t> confirmed;
  for (size_t i = 0; i < found.size(); ++i) {
    if (found[i].status.ok() && found[i].restore_tid != 0 &&
        found[i].state == CudaState::kUnknown) {
      confirmed.push_back(i);
    }
  }
  ParallelFor(confirmed.size(), parallelism, [&](size_t c) {
    DiscoveredProcess& process = found[confirmed[c]];
    process.status = tool.GetState(process.restore_tid, &process.state);
    if (!process.status.ok()) process.state = CudaState::kUnknown;
  });
}

std::vector<DiscoveredProcess> DiscoverCudaProcesses(const HostReader& reader,
                                                     const CudaTool& tool,
                                                     const std::vector<pid_t>& pids,
                                                     int parallelism) {
  std::vector<DiscoveredProcess> found = FindCudaProcesses(reader, tool, pids, parallelism);
  ReadCudaStates(tool, found, parallelism);
  return found;
}

std::vector<pid_t> ListProcessTree(const HostReader& reader, pid_t root) {
  std::vector<std::string> entries;
  std::multimap<pid_t, pid_t> children;
  if (reader.ListDirectory("/proc", &entries).ok()) {
    for (const std::string& entry : entries) {
      std::optional<pid_t> pid = ParsePid(entry);
      if (!pid) continue;
      std::string stat;
      if (!reader.ReadFile(ProcPath(*pid, "stat"), &stat).ok()) continue;
      if (std::optional<pid_t> parent = ParseStatParentPid(stat)) {
        children.emplace(*parent, *pid);
      }
    }
  }
  std::vector<pid_t> tree = {root};
  // A malformed stat could make a cycle; each pid is listed once.
  std::set<pid_t> seen = {root};
  for (size_t i = 0; i < tree.size(); ++i) {
    auto [first, last] = children.equal_range(tree[i]);
    for (auto it = first; it != last; ++it) {
      if (seen.insert(it->second).second) tree.push_back(it->second);
    }
  }
  return tree;
}

}  // namespace gpulet::checkpoint

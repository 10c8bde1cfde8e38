#include "checkpoint/process_group.h"

#include <string>

#include "checkpoint/parallel_for.h"

namespace gpulet::checkpoint {
namespace {

// Where the tool says `m` is. When it cannot say: what the group
// believes, or, after a failed lock or checkpoint (which may have got
// half-way, or past its timeout), the state that step was moving it to,
// so that the release still sends restore and unlock; `*guessed` is set.
CudaState AskState(const CudaTool& tool, const GroupMember& m, bool* guessed) {
  CudaState state = m.current;
  if (tool.GetState(m.restore_tid, &state).ok()) return state;
  if (m.status.ok()) return m.current;
  *guessed = true;
  if (m.current == CudaState::kRunning) return CudaState::kLocked;
  if (m.current == CudaState::kLocked) return CudaState::kCheckpointed;
  return m.current;
}

// Restores `m` if checkpointed, then unlocks it if `unlock` and locked;
// asks the tool where it is first when `ask`.
PlainStatus Release(const CudaTool& tool, GroupMember& m, bool ask, bool unlock) {
  bool guessed = false;
  if (ask) m.current = AskState(tool, m, &guessed);
  if (m.current == CudaState::kCheckpointed) {
    PlainStatus status = tool.Restore(m.pid);
    // A guess of "checkpointed" may be wrong by one step: the task may
    // only be locked, and must not stay so.
    if (!status.ok() && !(guessed && unlock)) return status;
    m.current = CudaState::kLocked;
  }
  if (m.current == CudaState::kLocked && unlock) {
    PlainStatus status = tool.Unlock(m.pid);
    if (!status.ok()) return status;
    m.current = CudaState::kRunning;
  }
  return {};
}

}  // namespace

ProcessGroup::ProcessGroup(const CudaTool& tool, int parallelism)
    : tool_(tool), parallelism_(parallelism) {}

void ProcessGroup::Add(pid_t pid, pid_t restore_tid, CudaState state) {
  members_.push_back({pid, restore_tid, state, state, {}});
}

template <typename Wanted, typename Step>
PlainStatus ProcessGroup::ForEach(Wanted wanted, Step step) {
  std::vector<size_t> chosen;
  for (size_t i = 0; i < members_.size(); ++i) {
    if (wanted(members_[i])) chosen.push_back(i);
  }
  std::vector<PlainStatus> results(chosen.size());
  ParallelFor(chosen.size(), parallelism_,
              [&](size_t c) { results[c] = step(members_[chosen[c]]); });
  // A member keeps its last failure (a rollback that works does not hide
  // why it was needed); the first failure in member order is returned, so
  // the error is deterministic.
  PlainStatus first;
  for (size_t c = 0; c < chosen.size(); ++c) {
    if (results[c].ok()) continue;
    members_[chosen[c]].status = results[c];
    if (first.ok()) first = results[c];
  }
  return first;
}

PlainStatus ProcessGroup::LockAll(std::chrono::milliseconds timeout) {
  return ForEach([](const GroupMember& m) { return m.current == CudaState::kRunning; },
                 [&](GroupMember& m) {
                   PlainStatus status = tool_.Lock(m.pid, timeout);
                   if (status.ok()) m.current = CudaState::kLocked;
                   return status;
                 });
}

PlainStatus ProcessGroup::CheckpointAll(CheckpointWhich which) {
  return ForEach([which](const GroupMember& m) {
                   return m.current == CudaState::kLocked &&
                          (which == CheckpointWhich::kEveryLocked ||
                           m.initial == CudaState::kRunning);
                 },
                 [&](GroupMember& m) {
                   PlainStatus status = tool_.Checkpoint(m.pid);
                   if (status.ok()) m.current = CudaState::kCheckpointed;
                   return status;
                 });
}

JoinResult ProcessGroup::Join(const std::vector<DiscoveredProcess>& found,
                              UnknownState unknown) {
  JoinResult result;
  for (const DiscoveredProcess& p : found) {
    if (p.status.code() == PlainCode::kNotFound) {
      ++result.gone;
      continue;
    }
    if (!p.status.ok() && result.first_failure.ok()) result.first_failure = p.status;
    if (p.restore_tid == 0 || p.state == CudaState::kNotCuda) continue;
    if (p.status.ok()) {
      Add(p.pid, p.restore_tid, p.state);
    } else if (unknown == UnknownState::kIsCheckpointed) {
      Add(p.pid, p.restore_tid, CudaState::kCheckpointed);
    }
  }
  return result;
}

PlainStatus ProcessGroup::RollBack() {
  return ForEach(
      [](const GroupMember& m) { return m.initial != CudaState::kCheckpointed; },
      [&](GroupMember& m) {
        // A failed lock may have half-locked the process, so even a member
        // the group believes running is asked and unlocked if need be.
        return Release(tool_, m, /*ask=*/true, /*unlock=*/m.initial == CudaState::kRunning);
      });
}

PlainStatus ProcessGroup::ResumeAll() {
  return ForEach([](const GroupMember&) { return true; },
                 [&](GroupMember& m) {
                   // The state is fresh from discovery: no need to ask.
                   return Release(tool_, m, /*ask=*/false, /*unlock=*/true);
                 });
}

}  // namespace gpulet::checkpoint

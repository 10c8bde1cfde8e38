// ProcessGroup: the CUDA processes of one suspend or dump, moved through
// the tool's states together, with rollback.
//
//   running --lock--> locked --checkpoint--> checkpointed
//   running <-unlock-- locked <--restore---- checkpointed
//
// Each phase runs the tool for every member in parallel. Every member
// remembers the state it had when it joined; RollBack() returns each member
// to that state, asking the tool where it is first, so a failed lock or
// checkpoint never leaves a member locked (CRIU v4.2's plugin marks a task
// checkpointed before the action and then sends `restore` to a task that is
// only locked, which fails and skips the unlock).
//
// Not thread-safe: one owner drives the phases; the parallelism is inside.
// Standard library only (the CRIU plugin links it).
#ifndef GPULET_CHECKPOINT_PROCESS_GROUP_H_
#define GPULET_CHECKPOINT_PROCESS_GROUP_H_

#include <sys/types.h>

#include <chrono>
#include <vector>

#include "checkpoint/cuda_discovery.h"
#include "checkpoint/cuda_state.h"
#include "checkpoint/cuda_tool.h"
#include "checkpoint/plain_status.h"

namespace gpulet::checkpoint {

struct GroupMember {
  pid_t pid = 0;
  pid_t restore_tid = 0;
  CudaState initial = CudaState::kRunning;  // when it joined
  CudaState current = CudaState::kRunning;  // as far as the group knows
  PlainStatus status;                       // its last failure, or OK
};

enum class CheckpointWhich { kEveryLocked, kLockedHere };

// What Join() does with a CUDA process whose state the tool could not tell.
enum class UnknownState {
  kLeftOut,         // suspend, dump: nothing may change on a guess
  kIsCheckpointed,  // resume, restore: left out, it would stay checkpointed
};

// What Join() did not add.
struct JoinResult {
  PlainStatus first_failure;  // the first process that could not be inspected
  size_t gone = 0;            // processes that exited since they were listed
};

class ProcessGroup {
 public:
  // `tool` must outlive the group.
  ProcessGroup(const CudaTool& tool, int parallelism);

  // Adds a CUDA process in `state` (kRunning, kLocked or kCheckpointed).
  void Add(pid_t pid, pid_t restore_tid, CudaState state);

  // Adds the CUDA processes discovery confirmed (by their restore thread)
  // in the state it read. Processes gone since (NotFound) and CPU-only ones
  // are skipped; one that could not be inspected is reported and joins only
  // as `unknown` says. Every caller (suspend, resume, CRIU dump and
  // restore) decides membership here, so they cannot drift apart.
  JoinResult Join(const std::vector<DiscoveredProcess>& found, UnknownState unknown);

  const std::vector<GroupMember>& members() const { return members_; }
  bool empty() const { return members_.empty(); }

  // Locks every running member. On failure returns the first failing
  // member's error (pid first, then why); members already locked stay
  // locked until RollBack().
  PlainStatus LockAll(std::chrono::milliseconds timeout);

  // Checkpoints every locked member (CRIU must checkpoint a task it found
  // locked, or the dump fails on its GPU mappings), or only those this
  // group locked (a suspend leaves a process someone else locked alone);
  // checkpointed ones are left alone.
  PlainStatus CheckpointAll(CheckpointWhich which = CheckpointWhich::kEveryLocked);

  // Returns every member to the state it joined in. Keeps going past
  // failures; returns the first.
  PlainStatus RollBack();

  // Restores and unlocks every member, whatever it joined as, so that all
  // end running. Keeps going past failures; returns the first.
  PlainStatus ResumeAll();

 private:
  // Runs `step` for the members for which `wanted` holds, in parallel.
  template <typename Wanted, typename Step>
  PlainStatus ForEach(Wanted wanted, Step step);

  const CudaTool& tool_;
  const int parallelism_;
  std::vector<GroupMember> members_;
};

}  // namespace gpulet::checkpoint

#endif  // GPULET_CHECKPOINT_PROCESS_GROUP_H_

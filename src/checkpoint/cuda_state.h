// CudaState: where a process's CUDA state is, as `cuda-checkpoint
// --get-state` reports it, plus the two states gpulet adds for processes
// the tool was never asked about (not-cuda) or could not answer (unknown).
//
// Standard library only: the CRIU plugin links this (see plain_status.h).
// Thread-safe (pure functions).
#ifndef GPULET_CHECKPOINT_CUDA_STATE_H_
#define GPULET_CHECKPOINT_CUDA_STATE_H_

#include <optional>
#include <string_view>

namespace gpulet::checkpoint {

enum class CudaState { kRunning, kLocked, kCheckpointed, kNotCuda, kUnknown };

// "running", "locked", "checkpointed", "not-cuda", "unknown".
std::string_view CudaStateName(CudaState state);

// The state named by one of the tool's words ("running", "locked",
// "checkpointed"); nullopt for anything else, including gpulet's own
// "not-cuda" and "unknown", which the tool never prints.
std::optional<CudaState> ParseToolState(std::string_view word);

}  // namespace gpulet::checkpoint

#endif  // GPULET_CHECKPOINT_CUDA_STATE_H_

#include "checkpoint/cuda_state.h"

namespace gpulet::checkpoint {

std::string_view CudaStateName(CudaState state) {
  switch (state) {
    case CudaState::kRunning: return "running";
    case CudaState::kLocked: return "locked";
    case CudaState::kCheckpointed: return "checkpointed";
    case CudaState::kNotCuda: return "not-cuda";
    case CudaState::kUnknown: return "unknown";
  }
  return "unknown";
}

std::optional<CudaState> ParseToolState(std::string_view word) {
  if (word == "running") return CudaState::kRunning;
  if (word == "locked") return CudaState::kLocked;
  if (word == "checkpointed") return CudaState::kCheckpointed;
  return std::nullopt;
}

}  // namespace gpulet::checkpoint

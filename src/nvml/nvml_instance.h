// NvmlGpuInstance and NvmlComputeInstance: the MIG instance handles behind
// a MIG device, queried to learn which profile a MIG device was made from
// (the "1g.10gb" in nvidia.com/mig-1g.10gb).
//
// Small immutable values like NvmlDevice; thread-safe for the same reasons.
#ifndef GPULET_NVML_NVML_INSTANCE_H_
#define GPULET_NVML_NVML_INSTANCE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "nvml/nvml_abi.h"
#include "nvml/nvml_library.h"
#include "nvml/nvml_types.h"

namespace gpulet::nvml {

class NvmlComputeInstance {
 public:
  absl::StatusOr<ComputeInstanceInfo> Info() const;
  const std::string& description() const { return description_; }

 private:
  friend class NvmlGpuInstance;
  NvmlComputeInstance(std::shared_ptr<const NvmlLibrary> library,
                      nvmlComputeInstance_t handle, std::string description)
      : library_(std::move(library)),
        handle_(handle),
        description_(std::move(description)) {}

  std::shared_ptr<const NvmlLibrary> library_;
  nvmlComputeInstance_t handle_;
  std::string description_;
};

class NvmlGpuInstance {
 public:
  absl::StatusOr<GpuInstanceInfo> Info() const;
  // The compute instance profile `profile` (NVML_COMPUTE_INSTANCE_PROFILE_*)
  // with shared engines; kUnimplemented/kInvalidArgument when the instance
  // cannot host it.
  absl::StatusOr<ComputeInstanceProfile> ComputeInstanceProfileInfo(
      unsigned int profile) const;
  absl::StatusOr<NvmlComputeInstance> ComputeInstanceById(unsigned int id) const;
  const std::string& description() const { return description_; }

 private:
  friend class NvmlDevice;
  NvmlGpuInstance(std::shared_ptr<const NvmlLibrary> library,
                  nvmlGpuInstance_t handle, std::string description)
      : library_(std::move(library)),
        handle_(handle),
        description_(std::move(description)) {}

  std::shared_ptr<const NvmlLibrary> library_;
  nvmlGpuInstance_t handle_;
  std::string description_;
};

}  // namespace gpulet::nvml

#endif  // GPULET_NVML_NVML_INSTANCE_H_

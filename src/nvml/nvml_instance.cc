#include "nvml/nvml_instance.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace gpulet::nvml {

absl::StatusOr<ComputeInstanceInfo> NvmlComputeInstance::Info() const {
  constexpr std::string_view kCall = "nvmlComputeInstanceGetInfo_v2";
  auto fn = library_->functions().nvmlComputeInstanceGetInfo_v2;
  if (fn == nullptr) return library_->MissingFunction(kCall);
  nvmlComputeInstanceInfo_t info{};
  RETURN_IF_ERROR(library_->StatusOf(fn(handle_, &info), kCall, description_));
  return ComputeInstanceInfo{info.id, info.profileId,
                             {info.placement.start, info.placement.size}};
}

absl::StatusOr<GpuInstanceInfo> NvmlGpuInstance::Info() const {
  constexpr std::string_view kCall = "nvmlGpuInstanceGetInfo";
  auto fn = library_->functions().nvmlGpuInstanceGetInfo;
  if (fn == nullptr) return library_->MissingFunction(kCall);
  nvmlGpuInstanceInfo_t info{};
  RETURN_IF_ERROR(library_->StatusOf(fn(handle_, &info), kCall, description_));
  return GpuInstanceInfo{info.id, info.profileId,
                         {info.placement.start, info.placement.size}};
}

absl::StatusOr<ComputeInstanceProfile> NvmlGpuInstance::ComputeInstanceProfileInfo(
    unsigned int profile) const {
  constexpr std::string_view kCall = "nvmlGpuInstanceGetComputeInstanceProfileInfo";
  auto fn = library_->functions().nvmlGpuInstanceGetComputeInstanceProfileInfo;
  if (fn == nullptr) return library_->MissingFunction(kCall);
  nvmlComputeInstanceProfileInfo_t info{};
  RETURN_IF_ERROR(library_->StatusOf(
      fn(handle_, profile, NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED, &info),
      kCall, description_));
  return ComputeInstanceProfile{info.id, info.sliceCount, info.instanceCount,
                                info.multiprocessorCount};
}

absl::StatusOr<NvmlComputeInstance> NvmlGpuInstance::ComputeInstanceById(
    unsigned int id) const {
  constexpr std::string_view kCall = "nvmlGpuInstanceGetComputeInstanceById";
  auto fn = library_->functions().nvmlGpuInstanceGetComputeInstanceById;
  if (fn == nullptr) return library_->MissingFunction(kCall);
  nvmlComputeInstance_t instance = nullptr;
  RETURN_IF_ERROR(library_->StatusOf(fn(handle_, id, &instance), kCall, description_));
  return NvmlComputeInstance(
      library_, instance, absl::StrCat("compute instance ", id, " of ", description_));
}

}  // namespace gpulet::nvml

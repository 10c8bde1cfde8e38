// NVML entry points for MIG: mode, MIG device handles and their ids and
// attributes, GPU instance profiles, GPU instances and compute instances.
//
// A GPU that is not MIG capable answers NOT_SUPPORTED to all of them (except
// nvmlDeviceGetMaxMigDeviceCount, documented to answer 0, and
// nvmlDeviceIsMigDeviceHandle). Instance queries need MIG mode enabled.
#include <string>

#include "mock/nvml/export_util.h"
#include "mock/nvml/mock_driver.h"

using gpulet::mock::Accept;
using gpulet::mock::ComputeInstanceProfileIndex;
using gpulet::mock::ComputeInstanceSlices;
using gpulet::mock::GpuInstanceProfileSpec;
using gpulet::mock::GpuProfile;
using gpulet::mock::MigDeviceProfile;
using gpulet::mock::MockDriver;
using gpulet::mock::MockMachine;

namespace {

const GpuInstanceProfileSpec& SpecOf(const GpuProfile& g,
                                     const MigDeviceProfile& m) {
  return *g.mig.table->FindByName(m.profile);
}

// A physical GPU with MIG mode enabled.
nvmlReturn_t MigEnabledGpu(MockDriver::Call& call, nvmlDevice_t device,
                           const nvmlDevice_st** d) {
  if (auto r = call.Device(device, Accept::kGpu, d); r != NVML_SUCCESS) {
    return r;
  }
  const auto& mig = call.machine().GpuOf(*d).mig;
  return mig.capable && mig.current_enabled ? NVML_SUCCESS
                                            : NVML_ERROR_NOT_SUPPORTED;
}

nvmlReturn_t ResolveGpuInstance(MockDriver::Call& call,
                                nvmlGpuInstance_t gi) {
  if (call.status() != NVML_SUCCESS) return call.status();
  if (gi == nullptr || !call.machine().IsGpuInstance(gi) || !gi->present) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  return call.driver().IsLost(gi->gpu_index) ? NVML_ERROR_GPU_IS_LOST
                                             : NVML_SUCCESS;
}

// Where a compute instance starts inside its GPU instance: after the
// compute instances listed before it.
uint32_t ComputeStart(const MockMachine& machine, uint32_t gpu,
                      const MigDeviceProfile& target) {
  uint32_t start = 0;
  for (const MigDeviceProfile& m : machine.profile().gpus[gpu].mig.devices) {
    if (&m == &target) break;
    if (m.gpu_instance_id == target.gpu_instance_id) start += m.compute_slices;
  }
  return start;
}

template <typename Info>
void FillGiProfile(const GpuInstanceProfileSpec& s, Info* info) {
  info->id = s.id;
  info->isP2pSupported = 0;
  info->sliceCount = s.slices;
  info->instanceCount = s.instance_count;
  info->multiprocessorCount = s.multiprocessors;
  info->copyEngineCount = s.copy_engines;
  info->decoderCount = s.decoders;
  info->encoderCount = s.encoders;
  info->jpegCount = s.jpegs;
  info->ofaCount = s.ofas;
  info->memorySizeMB = s.memory_mib;
}

nvmlReturn_t GiProfile(nvmlDevice_t device, unsigned int profile,
                       const GpuInstanceProfileSpec** spec, const char* function) {
  GPULET_MOCK_DEVICE_CALL_AS(call, d, device, Accept::kGpu, function);
  const auto& mig = call.machine().GpuOf(d).mig;
  if (!mig.capable) return NVML_ERROR_NOT_SUPPORTED;
  if (profile >= NVML_GPU_INSTANCE_PROFILE_COUNT) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  *spec = mig.table->FindByIndex(profile);
  return *spec == nullptr ? NVML_ERROR_NOT_SUPPORTED : NVML_SUCCESS;
}

}  // namespace

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t device,
                                                     unsigned int* currentMode,
                                                     unsigned int* pendingMode) {
  GPULET_MOCK_DEVICE_CALL(call, d, device, Accept::kGpu);
  if (currentMode == nullptr || pendingMode == nullptr) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  const auto& mig = call.machine().GpuOf(d).mig;
  if (!mig.capable) return NVML_ERROR_NOT_SUPPORTED;
  *currentMode = mig.current_enabled ? NVML_DEVICE_MIG_ENABLE
                                     : NVML_DEVICE_MIG_DISABLE;
  *pendingMode = mig.pending_enabled ? NVML_DEVICE_MIG_ENABLE
                                     : NVML_DEVICE_MIG_DISABLE;
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetMaxMigDeviceCount(
    nvmlDevice_t device, unsigned int* count) {
  GPULET_MOCK_DEVICE_CALL(call, d, device, Accept::kGpu);
  if (count == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  const auto& mig = call.machine().GpuOf(d).mig;
  *count = 0;
  if (mig.capable && mig.current_enabled) {
    *count = mig.table->FindByIndex(NVML_GPU_INSTANCE_PROFILE_1_SLICE)
                 ->instance_count;
  }
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetMigDeviceHandleByIndex(
    nvmlDevice_t device, unsigned int index, nvmlDevice_t* migDevice) {
  MockDriver::Call call(__func__);
  const nvmlDevice_st* d = nullptr;
  if (auto r = MigEnabledGpu(call, device, &d); r != NVML_SUCCESS) return r;
  const auto& mig = call.machine().GpuOf(d).mig;
  const unsigned int max =
      mig.table->FindByIndex(NVML_GPU_INSTANCE_PROFILE_1_SLICE)->instance_count;
  if (migDevice == nullptr || index >= max) return NVML_ERROR_INVALID_ARGUMENT;
  nvmlDevice_st* m = call.machine().MigDevice(d->gpu_index, index);
  if (m == nullptr) return NVML_ERROR_NOT_FOUND;
  *migDevice = m;
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceIsMigDeviceHandle(
    nvmlDevice_t device, unsigned int* isMig) {
  GPULET_MOCK_DEVICE_CALL(call, d, device, Accept::kAny);
  if (isMig == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  *isMig = d->is_mig ? 1 : 0;
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetGpuInstanceId(nvmlDevice_t device,
                                                           unsigned int* id) {
  GPULET_MOCK_DEVICE_CALL(call, d, device, Accept::kMig);
  if (id == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  *id = call.machine().MigOf(d).gpu_instance_id;
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetComputeInstanceId(
    nvmlDevice_t device, unsigned int* id) {
  GPULET_MOCK_DEVICE_CALL(call, d, device, Accept::kMig);
  if (id == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  *id = call.machine().MigOf(d).compute_instance_id;
  return NVML_SUCCESS;
}

// A physical GPU's handle is not a valid `migDevice`: INVALID_ARGUMENT.
GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetDeviceHandleFromMigDeviceHandle(
    nvmlDevice_t migDevice, nvmlDevice_t* device) {
  GPULET_MOCK_DEVICE_CALL(call, d, migDevice, Accept::kAny);
  if (device == nullptr || !d->is_mig) return NVML_ERROR_INVALID_ARGUMENT;
  *device = d->parent;
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetAttributes_v2(
    nvmlDevice_t device, nvmlDeviceAttributes_t* attributes) {
  GPULET_MOCK_DEVICE_CALL(call, d, device, Accept::kMig);
  if (attributes == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  const GpuProfile& g = call.machine().GpuOf(d);
  const MigDeviceProfile& m = call.machine().MigOf(d);
  const GpuInstanceProfileSpec& s = SpecOf(g, m);
  attributes->multiprocessorCount =
      m.compute_slices == s.slices
          ? s.multiprocessors
          : m.compute_slices * g.mig.table->multiprocessors_per_slice;
  attributes->sharedCopyEngineCount = s.copy_engines;
  attributes->sharedDecoderCount = s.decoders;
  attributes->sharedEncoderCount = s.encoders;
  attributes->sharedJpegCount = s.jpegs;
  attributes->sharedOfaCount = s.ofas;
  attributes->gpuInstanceSliceCount = s.slices;
  attributes->computeInstanceSliceCount = m.compute_slices;
  attributes->memorySizeMB = s.memory_mib;
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetGpuInstanceProfileInfo(
    nvmlDevice_t device, unsigned int profile,
    nvmlGpuInstanceProfileInfo_t* info) {
  const GpuInstanceProfileSpec* spec = nullptr;
  if (auto r = GiProfile(device, profile, &spec, __func__); r != NVML_SUCCESS) return r;
  if (info == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  FillGiProfile(*spec, info);
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetGpuInstanceProfileInfoV(
    nvmlDevice_t device, unsigned int profile,
    nvmlGpuInstanceProfileInfo_v2_t* info) {
  if (info != nullptr && info->version != nvmlGpuInstanceProfileInfo_v2) {
    MockDriver::Call call(__func__);
    if (call.status() != NVML_SUCCESS) return call.status();
    return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
  }
  const GpuInstanceProfileSpec* spec = nullptr;
  if (auto r = GiProfile(device, profile, &spec, __func__); r != NVML_SUCCESS) return r;
  if (info == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  FillGiProfile(*spec, info);
  std::string name = "MIG " + spec->name;
  name.copy(info->name, sizeof(info->name) - 1);
  info->name[std::min(name.size(), sizeof(info->name) - 1)] = '\0';
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetGpuInstances(
    nvmlDevice_t device, unsigned int profileId,
    nvmlGpuInstance_t* gpuInstances, unsigned int* count) {
  MockDriver::Call call(__func__);
  const nvmlDevice_st* d = nullptr;
  if (auto r = MigEnabledGpu(call, device, &d); r != NVML_SUCCESS) return r;
  const GpuProfile& g = call.machine().GpuOf(d);
  if (gpuInstances == nullptr || count == nullptr ||
      g.mig.table->FindById(profileId) == nullptr) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  unsigned int n = 0;
  for (const MigDeviceProfile& m : g.mig.devices) {
    if (SpecOf(g, m).id != profileId) continue;
    nvmlGpuInstance_t gi =
        call.machine().GpuInstance(d->gpu_index, m.gpu_instance_id);
    bool seen = false;
    for (unsigned int i = 0; i < n; ++i) seen = seen || gpuInstances[i] == gi;
    if (!seen) gpuInstances[n++] = gi;
  }
  *count = n;
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetGpuInstanceById(
    nvmlDevice_t device, unsigned int id, nvmlGpuInstance_t* gpuInstance) {
  MockDriver::Call call(__func__);
  const nvmlDevice_st* d = nullptr;
  if (auto r = MigEnabledGpu(call, device, &d); r != NVML_SUCCESS) return r;
  if (gpuInstance == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  nvmlGpuInstance_t gi = call.machine().GpuInstance(d->gpu_index, id);
  if (gi == nullptr) return NVML_ERROR_NOT_FOUND;
  *gpuInstance = gi;
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlGpuInstanceGetInfo(
    nvmlGpuInstance_t gpuInstance, nvmlGpuInstanceInfo_t* info) {
  MockDriver::Call call(__func__);
  if (auto r = ResolveGpuInstance(call, gpuInstance); r != NVML_SUCCESS) {
    return r;
  }
  if (info == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  const MockMachine& machine = call.machine();
  const GpuProfile& g = machine.profile().gpus[gpuInstance->gpu_index];
  const MigDeviceProfile* m =
      machine.FirstOfGpuInstance(gpuInstance->gpu_index, gpuInstance->id);
  const GpuInstanceProfileSpec& s = SpecOf(g, *m);
  info->device = call.machine().Gpu(gpuInstance->gpu_index);
  info->id = gpuInstance->id;
  info->profileId = s.id;
  info->placement = {m->placement_start, s.placement_size};
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlGpuInstanceGetComputeInstanceProfileInfo(
    nvmlGpuInstance_t gpuInstance, unsigned int profile,
    unsigned int engProfile, nvmlComputeInstanceProfileInfo_t* info) {
  MockDriver::Call call(__func__);
  if (auto r = ResolveGpuInstance(call, gpuInstance); r != NVML_SUCCESS) {
    return r;
  }
  if (info == nullptr || profile >= NVML_COMPUTE_INSTANCE_PROFILE_COUNT ||
      engProfile >= NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_COUNT) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  const GpuProfile& g = call.machine().profile().gpus[gpuInstance->gpu_index];
  const GpuInstanceProfileSpec& s = SpecOf(
      g, *call.machine().FirstOfGpuInstance(gpuInstance->gpu_index,
                                            gpuInstance->id));
  const uint32_t slices = ComputeInstanceSlices(profile);
  if (slices == 0 || slices > s.slices) return NVML_ERROR_NOT_SUPPORTED;
  info->id = profile;
  info->sliceCount = slices;
  info->instanceCount = s.slices / slices;
  info->multiprocessorCount = slices == s.slices
                                  ? s.multiprocessors
                                  : slices * g.mig.table->multiprocessors_per_slice;
  info->sharedCopyEngineCount = s.copy_engines;
  info->sharedDecoderCount = s.decoders;
  info->sharedEncoderCount = s.encoders;
  info->sharedJpegCount = s.jpegs;
  info->sharedOfaCount = s.ofas;
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlGpuInstanceGetComputeInstances(
    nvmlGpuInstance_t gpuInstance, unsigned int profileId,
    nvmlComputeInstance_t* computeInstances, unsigned int* count) {
  MockDriver::Call call(__func__);
  if (auto r = ResolveGpuInstance(call, gpuInstance); r != NVML_SUCCESS) {
    return r;
  }
  if (computeInstances == nullptr || count == nullptr ||
      profileId >= NVML_COMPUTE_INSTANCE_PROFILE_COUNT) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  const uint32_t gpu = gpuInstance->gpu_index;
  unsigned int n = 0;
  for (const MigDeviceProfile& m : call.machine().profile().gpus[gpu].mig.devices) {
    if (m.gpu_instance_id != gpuInstance->id ||
        ComputeInstanceProfileIndex(m.compute_slices) !=
            static_cast<int>(profileId)) {
      continue;
    }
    computeInstances[n++] = call.machine().ComputeInstance(
        gpu, m.gpu_instance_id, m.compute_instance_id);
  }
  *count = n;
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlGpuInstanceGetComputeInstanceById(
    nvmlGpuInstance_t gpuInstance, unsigned int id,
    nvmlComputeInstance_t* computeInstance) {
  MockDriver::Call call(__func__);
  if (auto r = ResolveGpuInstance(call, gpuInstance); r != NVML_SUCCESS) {
    return r;
  }
  if (computeInstance == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  nvmlComputeInstance_t ci = call.machine().ComputeInstance(
      gpuInstance->gpu_index, gpuInstance->id, id);
  if (ci == nullptr) return NVML_ERROR_NOT_FOUND;
  *computeInstance = ci;
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlComputeInstanceGetInfo_v2(
    nvmlComputeInstance_t computeInstance, nvmlComputeInstanceInfo_t* info) {
  GPULET_MOCK_CALL(call);
  if (computeInstance == nullptr ||
      !call.machine().IsComputeInstance(computeInstance) ||
      !computeInstance->present) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  nvmlDevice_st* mig = computeInstance->mig_device;
  if (call.driver().IsLost(mig->gpu_index)) return NVML_ERROR_GPU_IS_LOST;
  if (info == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  const MigDeviceProfile& m = call.machine().MigOf(mig);
  info->device = call.machine().Gpu(mig->gpu_index);
  info->gpuInstance = computeInstance->gpu_instance;
  info->id = computeInstance->id;
  info->profileId =
      static_cast<unsigned int>(ComputeInstanceProfileIndex(m.compute_slices));
  info->placement = {ComputeStart(call.machine(), mig->gpu_index, m),
                     m.compute_slices};
  return NVML_SUCCESS;
}

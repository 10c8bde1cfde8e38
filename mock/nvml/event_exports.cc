// NVML entry points for events: supported types, event sets, registration
// and waiting. Events of MIG devices are registered on and delivered
// through the parent GPU, with the MIG device's GI/CI ids in the event, as
// the driver does; MIG device handles answer NOT_SUPPORTED here.
#include "mock/nvml/export_util.h"
#include "mock/nvml/mock_driver.h"

using gpulet::mock::Accept;
using gpulet::mock::GpuProfile;
using gpulet::mock::MockDriver;

namespace {

// Every GPU reports ECC, P-state, XID and clock events; MIG-capable GPUs
// also report MIG configuration changes.
unsigned long long SupportedTypes(const GpuProfile& g) {
  unsigned long long types =
      nvmlEventTypeSingleBitEccError | nvmlEventTypeDoubleBitEccError |
      nvmlEventTypePState | nvmlEventTypeXidCriticalError | nvmlEventTypeClock;
  if (g.mig.capable) types |= nvmlEventMigConfigChange;
  return types;
}

nvmlReturn_t Wait(nvmlEventSet_t set, nvmlEventData_t* data,
                  unsigned int timeoutms, bool legacy, const char* function) {
  GPULET_MOCK_CALL_AS(call, function);
  MockDriver& driver = call.driver();
  if (data == nullptr || !driver.events().IsLive(set)) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  return driver.WaitLocked(call, set, data, timeoutms, legacy);
}

}  // namespace

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceGetSupportedEventTypes(
    nvmlDevice_t device, unsigned long long* eventTypes) {
  GPULET_MOCK_DEVICE_CALL(call, d, device, Accept::kGpu);
  if (eventTypes == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  *eventTypes = SupportedTypes(call.machine().GpuOf(d));
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlEventSetCreate(nvmlEventSet_t* set) {
  GPULET_MOCK_CALL(call);
  if (set == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  *set = call.driver().events().Create();
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlDeviceRegisterEvents(
    nvmlDevice_t device, unsigned long long eventTypes, nvmlEventSet_t set) {
  GPULET_MOCK_DEVICE_CALL(call, d, device, Accept::kGpu);
  if (!call.driver().events().IsLive(set)) return NVML_ERROR_INVALID_ARGUMENT;
  if ((eventTypes & ~SupportedTypes(call.machine().GpuOf(d))) != 0) {
    return NVML_ERROR_NOT_SUPPORTED;
  }
  call.driver().events().Register(set, device, eventTypes);
  return NVML_SUCCESS;
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlEventSetWait_v2(nvmlEventSet_t set,
                                                    nvmlEventData_t* data,
                                                    unsigned int timeoutms) {
  return Wait(set, data, timeoutms, /*legacy=*/false, __func__);
}

// The v1 caller's nvmlEventData_t ends after eventData.
GPULET_NVML_EXPORT nvmlReturn_t nvmlEventSetWait(nvmlEventSet_t set,
                                                 nvmlEventData_t* data,
                                                 unsigned int timeoutms) {
  return Wait(set, data, timeoutms, /*legacy=*/true, __func__);
}

GPULET_NVML_EXPORT nvmlReturn_t nvmlEventSetFree(nvmlEventSet_t set) {
  GPULET_MOCK_CALL(call);
  if (!call.driver().events().IsLive(set)) return NVML_ERROR_INVALID_ARGUMENT;
  call.driver().events().Free(set);
  return NVML_SUCCESS;
}

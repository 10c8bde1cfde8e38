/*
 * A stand-in for an old libnvidia-ml.so.1 that predates the versioned
 * symbols: it exports only the unversioned nvmlInit, nvmlDeviceGetCount and
 * nvmlDeviceGetHandleByIndex and a handful of queries. The binding must fall
 * back to these names and report every other call as not exported.
 */
#include <string.h>

#include "nvml/nvml_abi.h"

#define EXPORT __attribute__((visibility("default")))

static int init_count = 0;
static struct nvmlDevice_st* const kDevice = (struct nvmlDevice_st*)0x1;

EXPORT nvmlReturn_t nvmlInit(void) {
  ++init_count;
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlShutdown(void) {
  if (init_count == 0) return NVML_ERROR_UNINITIALIZED;
  --init_count;
  return NVML_SUCCESS;
}

EXPORT const char* nvmlErrorString(nvmlReturn_t result) {
  return result == NVML_SUCCESS ? "Success" : "Old Stub Error";
}

EXPORT nvmlReturn_t nvmlDeviceGetCount(unsigned int* count) {
  if (init_count == 0) return NVML_ERROR_UNINITIALIZED;
  if (count == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  *count = 1;
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int index,
                                              nvmlDevice_t* device) {
  if (init_count == 0) return NVML_ERROR_UNINITIALIZED;
  if (device == NULL || index != 0) return NVML_ERROR_INVALID_ARGUMENT;
  *device = kDevice;
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char* name,
                                     unsigned int length) {
  static const char kName[] = "Tesla K80";
  if (device != kDevice || name == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  if (length < sizeof kName) return NVML_ERROR_INSUFFICIENT_SIZE;
  memcpy(name, kName, sizeof kName);
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetPciInfo(nvmlDevice_t device, nvmlPciInfo_t* pci) {
  /* The v1 layout: only the legacy bus id is filled. */
  static const char kBusId[] = "0000:04:00.0";
  if (device != kDevice || pci == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  memset(pci, 0, sizeof *pci);
  memcpy(pci->busIdLegacy, kBusId, sizeof kBusId);
  pci->bus = 4;
  return NVML_SUCCESS;
}

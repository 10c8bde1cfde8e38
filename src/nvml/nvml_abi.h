/*
 * The subset of the NVML C ABI that gpulet uses, declared from NVML's public
 * API reference: types, constants, struct layouts and function signatures.
 *
 * Two sides share this header and must agree with the real library byte for
 * byte: src/nvml/ resolves these functions with dlsym at run time (gpulet
 * never links against libnvidia-ml), and mock/nvml/ implements them to stand
 * in for the driver. Names, values and layouts therefore follow the
 * reference exactly; a struct that gains fields in a new NVML version gets a
 * new _vN type here rather than a changed one.
 *
 * Plain C so that the mock and any C client can include it.
 */
#ifndef GPULET_NVML_NVML_ABI_H_
#define GPULET_NVML_NVML_ABI_H_

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Handles ------------------------------------------------------------ */

typedef struct nvmlDevice_st* nvmlDevice_t;
typedef struct nvmlEventSet_st* nvmlEventSet_t;
typedef struct nvmlGpuInstance_st* nvmlGpuInstance_t;
typedef struct nvmlComputeInstance_st* nvmlComputeInstance_t;

/* ---- Return codes -------------------------------------------------------- */

typedef enum nvmlReturn_enum {
  NVML_SUCCESS = 0,
  NVML_ERROR_UNINITIALIZED = 1,
  NVML_ERROR_INVALID_ARGUMENT = 2,
  NVML_ERROR_NOT_SUPPORTED = 3,
  NVML_ERROR_NO_PERMISSION = 4,
  NVML_ERROR_ALREADY_INITIALIZED = 5,
  NVML_ERROR_NOT_FOUND = 6,
  NVML_ERROR_INSUFFICIENT_SIZE = 7,
  NVML_ERROR_INSUFFICIENT_POWER = 8,
  NVML_ERROR_DRIVER_NOT_LOADED = 9,
  NVML_ERROR_TIMEOUT = 10,
  NVML_ERROR_IRQ_ISSUE = 11,
  NVML_ERROR_LIBRARY_NOT_FOUND = 12,
  NVML_ERROR_FUNCTION_NOT_FOUND = 13,
  NVML_ERROR_CORRUPTED_INFOROM = 14,
  NVML_ERROR_GPU_IS_LOST = 15,
  NVML_ERROR_RESET_REQUIRED = 16,
  NVML_ERROR_OPERATING_SYSTEM = 17,
  NVML_ERROR_LIB_RM_VERSION_MISMATCH = 18,
  NVML_ERROR_IN_USE = 19,
  NVML_ERROR_MEMORY = 20,
  NVML_ERROR_NO_DATA = 21,
  NVML_ERROR_VGPU_ECC_NOT_SUPPORTED = 22,
  NVML_ERROR_INSUFFICIENT_RESOURCES = 23,
  NVML_ERROR_FREQ_NOT_SUPPORTED = 24,
  NVML_ERROR_ARGUMENT_VERSION_MISMATCH = 25,
  NVML_ERROR_DEPRECATED = 26,
  NVML_ERROR_NOT_READY = 27,
  NVML_ERROR_GPU_NOT_FOUND = 28,
  NVML_ERROR_INVALID_STATE = 29,
  NVML_ERROR_UNKNOWN = 999
} nvmlReturn_t;

/* ---- Buffer sizes (bytes, including the terminating NUL) ----------------- */

#define NVML_DEVICE_NAME_BUFFER_SIZE 64
#define NVML_DEVICE_NAME_V2_BUFFER_SIZE 96
#define NVML_DEVICE_UUID_BUFFER_SIZE 80
#define NVML_DEVICE_UUID_V2_BUFFER_SIZE 96
#define NVML_DEVICE_SERIAL_BUFFER_SIZE 30
#define NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE 80
#define NVML_SYSTEM_NVML_VERSION_BUFFER_SIZE 80
#define NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE 32
#define NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE 16

/* Versioned structs carry (sizeof | version << 24) in their first field. */
#define NVML_STRUCT_VERSION(data, ver) \
  (unsigned int)(sizeof(nvml##data##_v##ver##_t) | ((ver) << 24U))

/* ---- Small enums ---------------------------------------------------------- */

typedef enum nvmlEnableState_enum {
  NVML_FEATURE_DISABLED = 0,
  NVML_FEATURE_ENABLED = 1
} nvmlEnableState_t;

typedef enum nvmlBrandType_enum {
  NVML_BRAND_UNKNOWN = 0,
  NVML_BRAND_QUADRO = 1,
  NVML_BRAND_TESLA = 2,
  NVML_BRAND_NVS = 3,
  NVML_BRAND_GRID = 4,
  NVML_BRAND_GEFORCE = 5,
  NVML_BRAND_TITAN = 6,
  NVML_BRAND_NVIDIA_VAPPS = 7,
  NVML_BRAND_NVIDIA_VPC = 8,
  NVML_BRAND_NVIDIA_VCS = 9,
  NVML_BRAND_NVIDIA_VWS = 10,
  NVML_BRAND_NVIDIA_CLOUD_GAMING = 11,
  NVML_BRAND_NVIDIA_VGAMING = NVML_BRAND_NVIDIA_CLOUD_GAMING,
  NVML_BRAND_QUADRO_RTX = 12,
  NVML_BRAND_NVIDIA_RTX = 13,
  NVML_BRAND_NVIDIA = 14,
  NVML_BRAND_GEFORCE_RTX = 15,
  NVML_BRAND_TITAN_RTX = 16,
  NVML_BRAND_COUNT
} nvmlBrandType_t;

typedef unsigned int nvmlDeviceArchitecture_t;
#define NVML_DEVICE_ARCH_KEPLER 2
#define NVML_DEVICE_ARCH_MAXWELL 3
#define NVML_DEVICE_ARCH_PASCAL 4
#define NVML_DEVICE_ARCH_VOLTA 5
#define NVML_DEVICE_ARCH_TURING 6
#define NVML_DEVICE_ARCH_AMPERE 7
#define NVML_DEVICE_ARCH_ADA 8
#define NVML_DEVICE_ARCH_HOPPER 9
#define NVML_DEVICE_ARCH_BLACKWELL 10
#define NVML_DEVICE_ARCH_UNKNOWN 0xffffffff

/* Topology levels, from closest to farthest. */
typedef enum nvmlGpuLevel_enum {
  NVML_TOPOLOGY_INTERNAL = 0,
  NVML_TOPOLOGY_SINGLE = 10,
  NVML_TOPOLOGY_MULTIPLE = 20,
  NVML_TOPOLOGY_HOSTBRIDGE = 30,
  NVML_TOPOLOGY_NODE = 40,
  NVML_TOPOLOGY_SYSTEM = 50
} nvmlGpuTopologyLevel_t;

#define NVML_NVLINK_MAX_LINKS 18

/* nvmlDeviceGetMigMode: current and pending mode values. */
#define NVML_DEVICE_MIG_DISABLE 0x0
#define NVML_DEVICE_MIG_ENABLE 0x1

/* nvmlInitWithFlags flags. */
#define NVML_INIT_FLAG_NO_GPUS 1
#define NVML_INIT_FLAG_NO_ATTACH 2

/* ---- Structs -------------------------------------------------------------- */

/* nvmlDeviceGetPciInfo_v3 layout (also returned by _v2 with busId filled). */
typedef struct nvmlPciInfo_st {
  char busIdLegacy[NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE];
  unsigned int domain;
  unsigned int bus;
  unsigned int device;
  unsigned int pciDeviceId;
  unsigned int pciSubSystemId;
  char busId[NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE];
} nvmlPciInfo_t;

typedef struct nvmlMemory_st {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
} nvmlMemory_t;

typedef struct nvmlMemory_v2_st {
  unsigned int version;
  unsigned long long total;
  unsigned long long reserved;
  unsigned long long free;
  unsigned long long used;
} nvmlMemory_v2_t;
#define nvmlMemory_v2 NVML_STRUCT_VERSION(Memory, 2)

/* nvmlDeviceGetComputeRunningProcesses_v3: one process with a CUDA context
 * on the device. usedGpuMemory is NVML_VALUE_NOT_AVAILABLE when the driver
 * cannot tell (e.g. without the privilege to see other users' processes);
 * the instance ids are 0xFFFFFFFF outside MIG. */
typedef struct nvmlProcessInfo_st {
  unsigned int pid;
  unsigned long long usedGpuMemory;
  unsigned int gpuInstanceId;
  unsigned int computeInstanceId;
} nvmlProcessInfo_t;
#define NVML_VALUE_NOT_AVAILABLE (~0ULL)

/* nvmlDeviceGetAttributes_v2: for a MIG device, what its slice holds. */
typedef struct nvmlDeviceAttributes_st {
  unsigned int multiprocessorCount;
  unsigned int sharedCopyEngineCount;
  unsigned int sharedDecoderCount;
  unsigned int sharedEncoderCount;
  unsigned int sharedJpegCount;
  unsigned int sharedOfaCount;
  unsigned int gpuInstanceSliceCount;
  unsigned int computeInstanceSliceCount;
  unsigned long long memorySizeMB;
} nvmlDeviceAttributes_t;

/* ---- MIG: GPU and compute instances --------------------------------------- */

#define NVML_GPU_INSTANCE_PROFILE_1_SLICE 0x0
#define NVML_GPU_INSTANCE_PROFILE_2_SLICE 0x1
#define NVML_GPU_INSTANCE_PROFILE_3_SLICE 0x2
#define NVML_GPU_INSTANCE_PROFILE_4_SLICE 0x3
#define NVML_GPU_INSTANCE_PROFILE_7_SLICE 0x4
#define NVML_GPU_INSTANCE_PROFILE_8_SLICE 0x5
#define NVML_GPU_INSTANCE_PROFILE_6_SLICE 0x6
#define NVML_GPU_INSTANCE_PROFILE_1_SLICE_REV1 0x7
#define NVML_GPU_INSTANCE_PROFILE_2_SLICE_REV1 0x8
#define NVML_GPU_INSTANCE_PROFILE_1_SLICE_REV2 0x9
#define NVML_GPU_INSTANCE_PROFILE_COUNT 0xA

#define NVML_COMPUTE_INSTANCE_PROFILE_1_SLICE 0x0
#define NVML_COMPUTE_INSTANCE_PROFILE_2_SLICE 0x1
#define NVML_COMPUTE_INSTANCE_PROFILE_3_SLICE 0x2
#define NVML_COMPUTE_INSTANCE_PROFILE_4_SLICE 0x3
#define NVML_COMPUTE_INSTANCE_PROFILE_7_SLICE 0x4
#define NVML_COMPUTE_INSTANCE_PROFILE_8_SLICE 0x5
#define NVML_COMPUTE_INSTANCE_PROFILE_6_SLICE 0x6
#define NVML_COMPUTE_INSTANCE_PROFILE_1_SLICE_REV1 0x7
#define NVML_COMPUTE_INSTANCE_PROFILE_COUNT 0x8

#define NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED 0x0
#define NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_COUNT 0x1

typedef struct nvmlGpuInstancePlacement_st {
  unsigned int start;
  unsigned int size;
} nvmlGpuInstancePlacement_t;

typedef struct nvmlGpuInstanceProfileInfo_st {
  unsigned int id;
  unsigned int isP2pSupported;
  unsigned int sliceCount;
  unsigned int instanceCount;
  unsigned int multiprocessorCount;
  unsigned int copyEngineCount;
  unsigned int decoderCount;
  unsigned int encoderCount;
  unsigned int jpegCount;
  unsigned int ofaCount;
  unsigned long long memorySizeMB;
} nvmlGpuInstanceProfileInfo_t;

typedef struct nvmlGpuInstanceProfileInfo_v2_st {
  unsigned int version;
  unsigned int id;
  unsigned int isP2pSupported;
  unsigned int sliceCount;
  unsigned int instanceCount;
  unsigned int multiprocessorCount;
  unsigned int copyEngineCount;
  unsigned int decoderCount;
  unsigned int encoderCount;
  unsigned int jpegCount;
  unsigned int ofaCount;
  unsigned long long memorySizeMB;
  char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
} nvmlGpuInstanceProfileInfo_v2_t;
#define nvmlGpuInstanceProfileInfo_v2 NVML_STRUCT_VERSION(GpuInstanceProfileInfo, 2)

typedef struct nvmlGpuInstanceInfo_st {
  nvmlDevice_t device;
  unsigned int id;
  unsigned int profileId;
  nvmlGpuInstancePlacement_t placement;
} nvmlGpuInstanceInfo_t;

typedef struct nvmlComputeInstancePlacement_st {
  unsigned int start;
  unsigned int size;
} nvmlComputeInstancePlacement_t;

typedef struct nvmlComputeInstanceProfileInfo_st {
  unsigned int id;
  unsigned int sliceCount;
  unsigned int instanceCount;
  unsigned int multiprocessorCount;
  unsigned int sharedCopyEngineCount;
  unsigned int sharedDecoderCount;
  unsigned int sharedEncoderCount;
  unsigned int sharedJpegCount;
  unsigned int sharedOfaCount;
} nvmlComputeInstanceProfileInfo_t;

typedef struct nvmlComputeInstanceInfo_st {
  nvmlDevice_t device;
  nvmlGpuInstance_t gpuInstance;
  unsigned int id;
  unsigned int profileId;
  nvmlComputeInstancePlacement_t placement;
} nvmlComputeInstanceInfo_t;

/* ---- NVLink fabric (multi-node NVLink: GB200 NVL, NVSwitch systems) ------ */

#define NVML_GPU_FABRIC_UUID_LEN 16

/* Registration of the GPU with the fabric manager. */
#define NVML_GPU_FABRIC_STATE_NOT_SUPPORTED 0
#define NVML_GPU_FABRIC_STATE_NOT_STARTED 1
#define NVML_GPU_FABRIC_STATE_IN_PROGRESS 2
#define NVML_GPU_FABRIC_STATE_COMPLETED 3

typedef unsigned char nvmlGpuFabricState_t;

/* nvmlDeviceGetGpuFabricInfo. `status` is meaningful only once `state` is
 * NVML_GPU_FABRIC_STATE_COMPLETED. */
typedef struct {
  unsigned char clusterUuid[NVML_GPU_FABRIC_UUID_LEN];
  nvmlReturn_t status;
  unsigned int cliqueId;
  nvmlGpuFabricState_t state;
} nvmlGpuFabricInfo_t;

/* nvmlDeviceGetGpuFabricInfoV: the same plus a version and a health mask. */
typedef struct {
  unsigned int version;
  unsigned char clusterUuid[NVML_GPU_FABRIC_UUID_LEN];
  nvmlReturn_t status;
  unsigned int cliqueId;
  nvmlGpuFabricState_t state;
  unsigned int healthMask;
} nvmlGpuFabricInfo_v2_t;
typedef nvmlGpuFabricInfo_v2_t nvmlGpuFabricInfoV_t;
#define nvmlGpuFabricInfo_v2 NVML_STRUCT_VERSION(GpuFabricInfo, 2)

/* ---- Events --------------------------------------------------------------- */

#define nvmlEventTypeSingleBitEccError 0x0000000000000001LL
#define nvmlEventTypeDoubleBitEccError 0x0000000000000002LL
#define nvmlEventTypePState 0x0000000000000004LL
#define nvmlEventTypeXidCriticalError 0x0000000000000008LL
#define nvmlEventTypeClock 0x0000000000000010LL
#define nvmlEventTypePowerSourceChange 0x0000000000000080LL
#define nvmlEventMigConfigChange 0x0000000000000100LL
#define nvmlEventTypeNone 0x0000000000000000LL

typedef struct nvmlEventData_st {
  nvmlDevice_t device;
  unsigned long long eventType;
  /* For XID events the XID number. */
  unsigned long long eventData;
  /* For events of a MIG device: its instance ids; 0xFFFFFFFF otherwise. */
  unsigned int gpuInstanceId;
  unsigned int computeInstanceId;
} nvmlEventData_t;

/* ---- Functions ------------------------------------------------------------
 * Each is listed once as a function type. src/nvml/ resolves these by name
 * with dlsym; mock/nvml/ defines them with C linkage. Versioned names (_v2,
 * _v3) are separate exported symbols in the real library; the unversioned
 * ones are the old ABI kept for old clients.
 */

#define GPULET_NVML_FUNCTIONS(X)                                                \
  X(nvmlInit_v2, (void))                                                       \
  X(nvmlInit, (void))                                                          \
  X(nvmlInitWithFlags, (unsigned int flags))                                   \
  X(nvmlShutdown, (void))                                                      \
  X(nvmlSystemGetDriverVersion, (char* version, unsigned int length))          \
  X(nvmlSystemGetNVMLVersion, (char* version, unsigned int length))            \
  X(nvmlSystemGetCudaDriverVersion, (int* cudaDriverVersion))                  \
  X(nvmlSystemGetCudaDriverVersion_v2, (int* cudaDriverVersion))               \
  X(nvmlDeviceGetCount_v2, (unsigned int* deviceCount))                        \
  X(nvmlDeviceGetCount, (unsigned int* deviceCount))                           \
  X(nvmlDeviceGetHandleByIndex_v2, (unsigned int index, nvmlDevice_t* device)) \
  X(nvmlDeviceGetHandleByIndex, (unsigned int index, nvmlDevice_t* device))    \
  X(nvmlDeviceGetHandleByUUID, (const char* uuid, nvmlDevice_t* device))       \
  X(nvmlDeviceGetHandleByPciBusId_v2,                                          \
    (const char* pciBusId, nvmlDevice_t* device))                              \
  X(nvmlDeviceGetIndex, (nvmlDevice_t device, unsigned int* index))            \
  X(nvmlDeviceGetName, (nvmlDevice_t device, char* name, unsigned int length)) \
  X(nvmlDeviceGetUUID, (nvmlDevice_t device, char* uuid, unsigned int length)) \
  X(nvmlDeviceGetSerial,                                                       \
    (nvmlDevice_t device, char* serial, unsigned int length))                  \
  X(nvmlDeviceGetMinorNumber, (nvmlDevice_t device, unsigned int* minorNumber))\
  X(nvmlDeviceGetPciInfo_v3, (nvmlDevice_t device, nvmlPciInfo_t* pci))        \
  X(nvmlDeviceGetPciInfo_v2, (nvmlDevice_t device, nvmlPciInfo_t* pci))        \
  X(nvmlDeviceGetPciInfo, (nvmlDevice_t device, nvmlPciInfo_t* pci))           \
  X(nvmlDeviceGetNumaNodeId, (nvmlDevice_t device, unsigned int* node))        \
  X(nvmlDeviceGetMemoryInfo, (nvmlDevice_t device, nvmlMemory_t* memory))      \
  X(nvmlDeviceGetMemoryInfo_v2, (nvmlDevice_t device, nvmlMemory_v2_t* memory))\
  X(nvmlDeviceGetComputeRunningProcesses_v3,                                   \
    (nvmlDevice_t device, unsigned int* infoCount, nvmlProcessInfo_t* infos))  \
  X(nvmlDeviceGetCudaComputeCapability,                                        \
    (nvmlDevice_t device, int* major, int* minor))                             \
  X(nvmlDeviceGetArchitecture,                                                 \
    (nvmlDevice_t device, nvmlDeviceArchitecture_t* arch))                     \
  X(nvmlDeviceGetBrand, (nvmlDevice_t device, nvmlBrandType_t* type))          \
  X(nvmlDeviceGetMigMode,                                                      \
    (nvmlDevice_t device, unsigned int* currentMode, unsigned int* pendingMode))\
  X(nvmlDeviceGetMaxMigDeviceCount, (nvmlDevice_t device, unsigned int* count))\
  X(nvmlDeviceGetMigDeviceHandleByIndex,                                       \
    (nvmlDevice_t device, unsigned int index, nvmlDevice_t* migDevice))        \
  X(nvmlDeviceIsMigDeviceHandle, (nvmlDevice_t device, unsigned int* isMig))   \
  X(nvmlDeviceGetGpuInstanceId, (nvmlDevice_t device, unsigned int* id))       \
  X(nvmlDeviceGetComputeInstanceId, (nvmlDevice_t device, unsigned int* id))   \
  X(nvmlDeviceGetDeviceHandleFromMigDeviceHandle,                              \
    (nvmlDevice_t migDevice, nvmlDevice_t* device))                            \
  X(nvmlDeviceGetAttributes_v2,                                                \
    (nvmlDevice_t device, nvmlDeviceAttributes_t* attributes))                 \
  X(nvmlDeviceGetGpuInstanceProfileInfo,                                       \
    (nvmlDevice_t device, unsigned int profile,                                \
     nvmlGpuInstanceProfileInfo_t* info))                                      \
  X(nvmlDeviceGetGpuInstanceProfileInfoV,                                      \
    (nvmlDevice_t device, unsigned int profile,                                \
     nvmlGpuInstanceProfileInfo_v2_t* info))                                   \
  X(nvmlDeviceGetGpuInstances,                                                 \
    (nvmlDevice_t device, unsigned int profileId,                              \
     nvmlGpuInstance_t* gpuInstances, unsigned int* count))                    \
  X(nvmlDeviceGetGpuInstanceById,                                              \
    (nvmlDevice_t device, unsigned int id, nvmlGpuInstance_t* gpuInstance))    \
  X(nvmlGpuInstanceGetInfo,                                                    \
    (nvmlGpuInstance_t gpuInstance, nvmlGpuInstanceInfo_t* info))              \
  X(nvmlGpuInstanceGetComputeInstanceProfileInfo,                              \
    (nvmlGpuInstance_t gpuInstance, unsigned int profile,                      \
     unsigned int engProfile, nvmlComputeInstanceProfileInfo_t* info))         \
  X(nvmlGpuInstanceGetComputeInstances,                                        \
    (nvmlGpuInstance_t gpuInstance, unsigned int profileId,                    \
     nvmlComputeInstance_t* computeInstances, unsigned int* count))            \
  X(nvmlGpuInstanceGetComputeInstanceById,                                     \
    (nvmlGpuInstance_t gpuInstance, unsigned int id,                           \
     nvmlComputeInstance_t* computeInstance))                                  \
  X(nvmlComputeInstanceGetInfo_v2,                                             \
    (nvmlComputeInstance_t computeInstance, nvmlComputeInstanceInfo_t* info))  \
  X(nvmlDeviceGetTopologyCommonAncestor,                                       \
    (nvmlDevice_t device1, nvmlDevice_t device2,                               \
     nvmlGpuTopologyLevel_t* pathInfo))                                        \
  X(nvmlDeviceGetNvLinkState,                                                  \
    (nvmlDevice_t device, unsigned int link, nvmlEnableState_t* isActive))     \
  X(nvmlDeviceGetNvLinkRemotePciInfo_v2,                                       \
    (nvmlDevice_t device, unsigned int link, nvmlPciInfo_t* pci))              \
  X(nvmlDeviceGetGpuFabricInfo,                                                \
    (nvmlDevice_t device, nvmlGpuFabricInfo_t* gpuFabricInfo))                 \
  X(nvmlDeviceGetGpuFabricInfoV,                                               \
    (nvmlDevice_t device, nvmlGpuFabricInfoV_t* gpuFabricInfo))                \
  X(nvmlDeviceGetSupportedEventTypes,                                          \
    (nvmlDevice_t device, unsigned long long* eventTypes))                     \
  X(nvmlEventSetCreate, (nvmlEventSet_t* set))                                 \
  X(nvmlDeviceRegisterEvents,                                                  \
    (nvmlDevice_t device, unsigned long long eventTypes, nvmlEventSet_t set))  \
  X(nvmlEventSetWait_v2,                                                       \
    (nvmlEventSet_t set, nvmlEventData_t* data, unsigned int timeoutms))       \
  X(nvmlEventSetWait,                                                          \
    (nvmlEventSet_t set, nvmlEventData_t* data, unsigned int timeoutms))       \
  X(nvmlEventSetFree, (nvmlEventSet_t set))

#define GPULET_NVML_DECLARE_(name, params) nvmlReturn_t name params;
GPULET_NVML_FUNCTIONS(GPULET_NVML_DECLARE_)
#undef GPULET_NVML_DECLARE_

/* The one function that does not return nvmlReturn_t. */
const char* nvmlErrorString(nvmlReturn_t result);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif  /* GPULET_NVML_NVML_ABI_H_ */

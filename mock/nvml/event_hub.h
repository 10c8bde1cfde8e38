// EventHub: the NVML event sets of the mock and the events queued on them.
//
// As in the driver, an event reaches a set only if its GPU registered that
// event type with that set; events of a MIG device carry the parent GPU's
// handle and the MIG device's GPU/compute instance ids. Sets are never
// freed (a freed set is only marked), so a stale handle is detected rather
// than dereferenced.
//
// Not thread-safe: MockDriver serialises access under its mutex.
#ifndef GPULET_MOCK_NVML_EVENT_HUB_H_
#define GPULET_MOCK_NVML_EVENT_HUB_H_

#include <cstdint>
#include <deque>
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "nvml/nvml_abi.h"

struct nvmlEventSet_st {
  bool freed = false;
  absl::flat_hash_map<nvmlDevice_t, unsigned long long> registered;
  std::deque<nvmlEventData_t> queue;
};

namespace gpulet::mock {

// gpuInstanceId/computeInstanceId of an event that concerns a whole GPU.
inline constexpr unsigned int kNoInstance = 0xFFFFFFFF;

class EventHub {
 public:
  nvmlEventSet_t Create();
  // Whether `set` is a live set created here.
  bool IsLive(nvmlEventSet_t set) const;
  void Register(nvmlEventSet_t set, nvmlDevice_t gpu, unsigned long long types);
  void Free(nvmlEventSet_t set);
  // Queues the event on every live set where `gpu` registered `type`.
  // Returns whether any set received it.
  bool Emit(nvmlDevice_t gpu, unsigned long long type,
            unsigned long long data, unsigned int gi, unsigned int ci);
  // Moves the oldest event of `set` into `out`; false when there is none.
  bool Pop(nvmlEventSet_t set, nvmlEventData_t* out);

 private:
  std::deque<std::unique_ptr<nvmlEventSet_st>> sets_;
  absl::flat_hash_set<const void*> known_;
};

}  // namespace gpulet::mock

#endif  // GPULET_MOCK_NVML_EVENT_HUB_H_

// NvmlEventSet: an NVML event set (nvmlEventSetCreate) that owns its handle.
//
// The health monitor registers every device's critical events on one set
// and waits on it in one thread.
//
// Thread-safety: Register() and Wait() may be called from different threads
// (NVML serialises them), but the set must outlive both; the destructor
// frees it and must not race with a Wait().
#ifndef GPULET_NVML_NVML_EVENT_SET_H_
#define GPULET_NVML_NVML_EVENT_SET_H_

#include <chrono>
#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nvml/nvml_device.h"
#include "nvml/nvml_library.h"
#include "nvml/nvml_types.h"

namespace gpulet::nvml {

class NvmlEventSet {
 public:
  static absl::StatusOr<NvmlEventSet> Create(
      std::shared_ptr<const NvmlLibrary> library);

  NvmlEventSet(NvmlEventSet&& other) noexcept;
  NvmlEventSet& operator=(NvmlEventSet&& other) noexcept;
  NvmlEventSet(const NvmlEventSet&) = delete;
  NvmlEventSet& operator=(const NvmlEventSet&) = delete;
  ~NvmlEventSet();

  // Registers the nvmlEventType* bits `types` of `device`. kUnimplemented
  // when the device supports none of them.
  absl::Status Register(const NvmlDevice& device, uint64_t types);

  // The next event, waiting at most `timeout`. kDeadlineExceeded when none
  // came; kUnavailable (NVML_ERROR_GPU_IS_LOST) when a registered GPU fell
  // off the bus.
  absl::StatusOr<Event> Wait(std::chrono::milliseconds timeout);

 private:
  NvmlEventSet(std::shared_ptr<const NvmlLibrary> library, nvmlEventSet_t set)
      : library_(std::move(library)), set_(set) {}
  void Free();

  std::shared_ptr<const NvmlLibrary> library_;
  nvmlEventSet_t set_ = nullptr;
};

}  // namespace gpulet::nvml

#endif  // GPULET_NVML_NVML_EVENT_SET_H_

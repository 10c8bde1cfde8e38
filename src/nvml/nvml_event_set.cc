#include "nvml/nvml_event_set.h"

#include <utility>

#include "base/status_macros.h"
#include "base/absl_format.h"
#include "spdlog/spdlog.h"

namespace gpulet::nvml {

// The instance ids of an event that concerns a whole GPU.
constexpr unsigned int kNoInstance = 0xFFFFFFFF;

absl::StatusOr<NvmlEventSet> NvmlEventSet::Create(
    std::shared_ptr<const NvmlLibrary> library) {
  constexpr std::string_view kCall = "nvmlEventSetCreate";
  auto fn = library->functions().nvmlEventSetCreate;
  if (fn == nullptr) return library->MissingFunction(kCall);
  nvmlEventSet_t set = nullptr;
  RETURN_IF_ERROR(library->StatusOf(fn(&set), kCall, ""));
  return NvmlEventSet(std::move(library), set);
}

NvmlEventSet::NvmlEventSet(NvmlEventSet&& other) noexcept
    : library_(std::move(other.library_)),
      set_(std::exchange(other.set_, nullptr)) {}

NvmlEventSet& NvmlEventSet::operator=(NvmlEventSet&& other) noexcept {
  if (this != &other) {
    Free();
    library_ = std::move(other.library_);
    set_ = std::exchange(other.set_, nullptr);
  }
  return *this;
}

NvmlEventSet::~NvmlEventSet() { Free(); }

void NvmlEventSet::Free() {
  if (set_ == nullptr) return;
  auto fn = library_->functions().nvmlEventSetFree;
  if (fn != nullptr) {
    absl::Status status = library_->StatusOf(fn(set_), "nvmlEventSetFree", "");
    if (!status.ok()) spdlog::warn("{}", status);
  }
  set_ = nullptr;
}

absl::Status NvmlEventSet::Register(const NvmlDevice& device, uint64_t types) {
  constexpr std::string_view kCall = "nvmlDeviceRegisterEvents";
  auto fn = library_->functions().nvmlDeviceRegisterEvents;
  if (fn == nullptr) return library_->MissingFunction(kCall);
  return library_->StatusOf(fn(device.handle(), types, set_), kCall,
                            device.description());
}

absl::StatusOr<Event> NvmlEventSet::Wait(std::chrono::milliseconds timeout) {
  constexpr std::string_view kCall = "nvmlEventSetWait_v2";
  auto fn = library_->functions().nvmlEventSetWait_v2;
  if (fn == nullptr) return library_->MissingFunction(kCall);
  nvmlEventData_t data{};
  data.gpuInstanceId = kNoInstance;
  data.computeInstanceId = kNoInstance;
  auto ms = static_cast<unsigned int>(timeout.count() < 0 ? 0 : timeout.count());
  RETURN_IF_ERROR(library_->StatusOf(fn(set_, &data, ms), kCall, ""));
  Event event;
  event.device = data.device;
  event.type = data.eventType;
  event.data = data.eventData;
  if (data.gpuInstanceId != kNoInstance) event.gpu_instance_id = data.gpuInstanceId;
  if (data.computeInstanceId != kNoInstance) {
    event.compute_instance_id = data.computeInstanceId;
  }
  return event;
}

}  // namespace gpulet::nvml

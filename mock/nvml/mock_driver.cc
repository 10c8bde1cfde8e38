#include "mock/nvml/mock_driver.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace gpulet::mock {
namespace {

constexpr char kDefaultMachine[] = "dgx-h100";
// How often a waiting client looks at the control file; short enough that
// a health test sees an injected XID quickly, long enough to cost nothing.
constexpr std::chrono::milliseconds kPollInterval(10);
// The XID the driver logs when a GPU falls off the bus.
constexpr unsigned long long kXidFallenOffTheBus = 79;

std::string EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

}  // namespace

MockDriver& MockDriver::Get() {
  static MockDriver* driver = new MockDriver();
  return *driver;
}

MockDriver::Call::Call(const char* function)
    : driver_(MockDriver::Get()), lock_(driver_.mu_) {
  if (driver_.refcount_ == 0) {
    status_ = NVML_ERROR_UNINITIALIZED;
    return;
  }
  driver_.PollControlLocked();
  status_ = driver_.InjectedFailureLocked(function);
}

nvmlReturn_t MockDriver::InjectedFailureLocked(const char* function) {
  auto it = failures_.find(std::string_view(function));
  if (it == failures_.end()) return NVML_SUCCESS;
  const nvmlReturn_t code = it->second.code;
  if (it->second.times_left > 0 && --it->second.times_left == 0) failures_.erase(it);
  return code;
}

nvmlReturn_t MockDriver::Call::Device(nvmlDevice_t device, Accept accept,
                                      const nvmlDevice_st** out) {
  if (status_ != NVML_SUCCESS) return status_;
  if (device == nullptr || !driver_.machine_.IsDevice(device) ||
      !device->present) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  if (driver_.IsLost(device->gpu_index)) return NVML_ERROR_GPU_IS_LOST;
  if ((accept == Accept::kGpu && device->is_mig) ||
      (accept == Accept::kMig && !device->is_mig)) {
    return NVML_ERROR_NOT_SUPPORTED;
  }
  *out = device;
  return NVML_SUCCESS;
}

nvmlReturn_t MockDriver::Init() {
  std::lock_guard<std::mutex> lock(mu_);
  if (refcount_ == 0) {
    if (nvmlReturn_t r = LoadLocked(); r != NVML_SUCCESS) return r;
  }
  ++refcount_;
  PollControlLocked();
  return NVML_SUCCESS;
}

nvmlReturn_t MockDriver::Shutdown() {
  std::lock_guard<std::mutex> lock(mu_);
  if (refcount_ == 0) return NVML_ERROR_UNINITIALIZED;
  --refcount_;
  // Wake waiters so that they notice the library went away.
  events_arrived_.notify_all();
  return NVML_SUCCESS;
}

nvmlReturn_t MockDriver::LoadLocked() {
  source_ = EnvOr("GPULET_MOCK_MACHINE", kDefaultMachine);
  if (source_ == "none") return NVML_ERROR_DRIVER_NOT_LOADED;
  absl::StatusOr<MachineProfile> profile = ProfileLocked(source_);
  if (!profile.ok()) {
    ReportOnceLocked(std::string(profile.status().message()));
    return NVML_ERROR_UNKNOWN;
  }
  machine_.Apply(*std::move(profile));
  lost_.resize(machine_.gpu_count(), false);
  // Processes are what the control file says from here on: a new client
  // reads the file from its start and places them again.
  processes_.clear();
  std::string control = EnvOr("GPULET_MOCK_CONTROL", "");
  if (control != control_path_) {
    control_path_ = control;
    control_ = control.empty() ? nullptr
                               : std::make_unique<ControlFile>(control);
    failures_.clear();  // the old file's
  }
  return NVML_SUCCESS;
}

bool MockDriver::IsLost(uint32_t gpu_index) const {
  return gpu_index < lost_.size() && lost_[gpu_index];
}

void MockDriver::ReportOnceLocked(const std::string& message) {
  if (reported_.insert(message).second) {
    std::fprintf(stderr, "mock NVML: %s\n", message.c_str());
  }
}

void MockDriver::PollControlLocked() {
  if (control_ == nullptr) return;
  for (const std::string& line : control_->ReadNewLines()) {
    absl::StatusOr<std::optional<ControlCommand>> c = ParseControlCommand(line);
    if (!c.ok()) {
      ReportOnceLocked(std::string(c.status().message()));
    } else if (c->has_value()) {
      ApplyLocked(**c);
    }
  }
}

int MockDriver::FindGpuLocked(const std::string& target, bool allow_mig,
                              uint32_t* gi, uint32_t* ci) {
  uint32_t index = 0;
  if (absl::SimpleAtoi(target, &index) && index < machine_.gpu_count()) {
    return static_cast<int>(index);
  }
  const auto& gpus = machine_.profile().gpus;
  for (uint32_t i = 0; i < gpus.size(); ++i) {
    if (gpus[i].uuid == target) return static_cast<int>(i);
    for (const MigDeviceProfile& m : gpus[i].mig.devices) {
      if (allow_mig && m.uuid == target) {
        *gi = m.gpu_instance_id;
        *ci = m.compute_instance_id;
        return static_cast<int>(i);
      }
    }
  }
  ReportOnceLocked(absl::StrCat("control command: no ",
                                allow_mig ? "GPU or MIG device" : "GPU",
                                " \"", target, "\""));
  return -1;
}

void MockDriver::EmitLocked(uint32_t gpu, unsigned long long type,
                            unsigned long long data, unsigned int gi,
                            unsigned int ci) {
  if (events_.Emit(machine_.Gpu(gpu), type, data, gi, ci)) {
    events_arrived_.notify_all();
  }
}

void MockDriver::InjectLocked(const ControlCommand& c) {
  unsigned int gi = kNoInstance, ci = kNoInstance;
  int gpu = FindGpuLocked(c.target, /*allow_mig=*/true, &gi, &ci);
  if (gpu < 0) return;
  if (c.gi.has_value()) {
    gi = *c.gi;
    ci = *c.ci;
  }
  if (c.kind == ControlCommand::Kind::kXid) {
    EmitLocked(gpu, nvmlEventTypeXidCriticalError, c.xid, gi, ci);
  } else {
    EmitLocked(gpu,
               c.double_bit ? nvmlEventTypeDoubleBitEccError
                            : nvmlEventTypeSingleBitEccError,
               0, gi, ci);
  }
}

absl::StatusOr<MachineProfile> MockDriver::ProfileLocked(const std::string& source) {
  constexpr size_t kMaxParsed = 8;
  ASSIGN_OR_RETURN(ProfileSource text, ReadMachineProfileSource(source));
  if (auto it = parsed_.find(text.yaml); it != parsed_.end()) {
    MachineProfile copy = it->second;
    copy.file_name = text.file_name;
    return copy;
  }
  ASSIGN_OR_RETURN(MachineProfile profile, ParseMachineProfile(text.yaml, text.file_name));
  if (parsed_.size() >= kMaxParsed) parsed_.clear();
  parsed_.emplace(std::move(text.yaml), profile);
  return profile;
}

void MockDriver::ReloadLocked(const std::string& source) {
  if (!source.empty()) source_ = source;
  absl::StatusOr<MachineProfile> profile = ProfileLocked(source_);
  if (!profile.ok()) {
    // Like a bad config, a bad profile changes nothing.
    ReportOnceLocked(std::string(profile.status().message()));
    return;
  }
  std::vector<uint32_t> changed = machine_.Apply(*std::move(profile));
  lost_.resize(machine_.gpu_count(), false);
  for (uint32_t gpu : changed) {
    EmitLocked(gpu, nvmlEventMigConfigChange, 0, kNoInstance, kNoInstance);
  }
}

void MockDriver::PlaceProcessLocked(const ControlCommand& c) {
  uint32_t gi = kNoInstance, ci = kNoInstance;
  int gpu = FindGpuLocked(c.target, /*allow_mig=*/true, &gi, &ci);
  if (gpu < 0) return;
  std::erase_if(processes_, [&](const MockProcess& p) {
    return p.gpu == static_cast<uint32_t>(gpu) && p.gi == gi && p.ci == ci && p.pid == c.pid;
  });
  if (c.memory_mib == 0) return;
  processes_.push_back(
      {static_cast<uint32_t>(gpu), gi, ci, c.pid, c.memory_mib * 1024 * 1024});
}

void MockDriver::ApplyLocked(const ControlCommand& c) {
  uint32_t unused_gi = 0, unused_ci = 0;
  switch (c.kind) {
    case ControlCommand::Kind::kXid:
    case ControlCommand::Kind::kEcc:
      InjectLocked(c);
      return;
    case ControlCommand::Kind::kLost:
    case ControlCommand::Kind::kRestore: {
      int gpu = FindGpuLocked(c.target, false, &unused_gi, &unused_ci);
      if (gpu < 0) return;
      const bool lost = c.kind == ControlCommand::Kind::kLost;
      if (lost && !lost_[gpu]) {
        // The driver reports the loss as XID 79 before the GPU goes silent.
        EmitLocked(gpu, nvmlEventTypeXidCriticalError, kXidFallenOffTheBus,
                   kNoInstance, kNoInstance);
      }
      lost_[gpu] = lost;
      return;
    }
    case ControlCommand::Kind::kReload:
      ReloadLocked(c.source);
      return;
    case ControlCommand::Kind::kProcess:
      PlaceProcessLocked(c);
      return;
    case ControlCommand::Kind::kFail:
      if (c.fail_code == NVML_SUCCESS) {
        failures_.erase(c.target);
      } else {
        failures_[c.target] = Failure{static_cast<nvmlReturn_t>(c.fail_code), c.fail_times};
      }
      return;
  }
}

nvmlReturn_t MockDriver::WaitLocked(Call& call, nvmlEventSet_t set,
                                    nvmlEventData_t* data,
                                    unsigned int timeout_ms, bool legacy) {
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(timeout_ms);
  while (true) {
    if (refcount_ == 0) return NVML_ERROR_UNINITIALIZED;
    if (!events_.IsLive(set)) return NVML_ERROR_INVALID_ARGUMENT;
    PollControlLocked();
    nvmlEventData_t event;
    if (events_.Pop(set, &event)) {
      data->device = event.device;
      data->eventType = event.eventType;
      data->eventData = event.eventData;
      if (!legacy) {
        data->gpuInstanceId = event.gpuInstanceId;
        data->computeInstanceId = event.computeInstanceId;
      }
      return NVML_SUCCESS;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return NVML_ERROR_TIMEOUT;
    events_arrived_.wait_until(call.lock_,
                               std::min(deadline, now + kPollInterval));
  }
}

}  // namespace gpulet::mock

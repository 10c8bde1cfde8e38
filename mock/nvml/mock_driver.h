// MockDriver: the process-wide state behind the mock libnvidia-ml.so.1, the
// part that stands in for the kernel driver: the machine and its handles,
// the init reference count, faults (lost GPUs), event sets and the control
// file through which tests inject faults while a client runs.
//
// Environment (read at the first nvmlInit and at every re-init after the
// last nvmlShutdown):
//   GPULET_MOCK_MACHINE  a shipped profile name or a YAML path; unset means
//                        "dgx-h100"; "none" makes nvmlInit answer
//                        NVML_ERROR_DRIVER_NOT_LOADED (a node without driver).
//   GPULET_MOCK_CONTROL  path of the control file (see control_file.h).
//
// Thread-safe: every NVML entry point holds `mu_` for its whole duration
// (through Call), except that an event wait releases it while sleeping.
// std::mutex rather than absl::Mutex: the distribution's abseil is not
// built with ThreadSanitizer, which then cannot see absl::Mutex ordering.
#ifndef GPULET_MOCK_NVML_MOCK_DRIVER_H_
#define GPULET_MOCK_NVML_MOCK_DRIVER_H_

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "mock/nvml/control_file.h"
#include "mock/nvml/event_hub.h"
#include "mock/nvml/mock_machine.h"
#include "nvml/nvml_abi.h"

namespace gpulet::mock {

// Which handles a call accepts. A physical-GPU-only call given a MIG handle,
// or a MIG-only call given a GPU handle, answers NVML_ERROR_NOT_SUPPORTED.
enum class Accept { kAny, kGpu, kMig };

// A CUDA process placed on a device by the `process` control command.
struct MockProcess {
  uint32_t gpu = 0;
  uint32_t gi = 0xFFFFFFFF;  // the MIG device's instance ids, or none
  uint32_t ci = 0xFFFFFFFF;
  uint32_t pid = 0;
  uint64_t memory_bytes = 0;
};

class MockDriver {
 public:
  static MockDriver& Get();

  nvmlReturn_t Init() ABSL_LOCKS_EXCLUDED(mu_);
  nvmlReturn_t Shutdown() ABSL_LOCKS_EXCLUDED(mu_);

  // One NVML call: holds the lock, picks up control commands and knows
  // whether the library is initialised. `function` is the entry point's
  // name, for the failures the `fail` command injects.
  class Call {
   public:
    explicit Call(const char* function);
    // NVML_SUCCESS, NVML_ERROR_UNINITIALIZED, or an injected failure.
    nvmlReturn_t status() const { return status_; }
    MockDriver& driver() { return driver_; }
    MockMachine& machine() ABSL_NO_THREAD_SAFETY_ANALYSIS {
      return driver_.machine_;
    }
    // Resolves a device handle: UNINITIALIZED, then INVALID_ARGUMENT for a
    // null, unknown or removed handle, GPU_IS_LOST when its GPU fell off
    // the bus, NOT_SUPPORTED when `accept` rules it out.
    nvmlReturn_t Device(nvmlDevice_t device, Accept accept,
                        const nvmlDevice_st** out);

   private:
    friend class MockDriver;
    MockDriver& driver_;
    std::unique_lock<std::mutex> lock_;
    nvmlReturn_t status_;
  };

  // Under the lock (through a Call):
  bool IsLost(uint32_t gpu_index) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  EventHub& events() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return events_; }
  const std::vector<MockProcess>& processes() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return processes_;
  }
  // Waits up to `timeout_ms` for an event on `set`, releasing the lock while
  // it sleeps. `legacy` writes only the fields of the v1 nvmlEventData_t.
  nvmlReturn_t WaitLocked(Call& call, nvmlEventSet_t set,
                          nvmlEventData_t* data, unsigned int timeout_ms,
                          bool legacy) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

 private:
  MockDriver() = default;

  nvmlReturn_t LoadLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void PollControlLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ApplyLocked(const ControlCommand& c) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void InjectLocked(const ControlCommand& c) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ReloadLocked(const std::string& source)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void PlaceProcessLocked(const ControlCommand& c) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // NVML_SUCCESS, or what the `fail` command set for `function` (counting
  // the call against its times).
  nvmlReturn_t InjectedFailureLocked(const char* function) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The profile `source` names, parsed once per distinct text: a test that
  // flips between layouts reloads often, and the mock lives in the client's
  // process, whose memory a soak judges; parsing allocates some 7,000 YAML
  // nodes from whichever thread made the call, which left each of its
  // malloc arenas holding free, fragmented pages.
  absl::StatusOr<MachineProfile> ProfileLocked(const std::string& source)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Resolves a GPU index or UUID; -1 (and a report) when there is none.
  int FindGpuLocked(const std::string& target, bool allow_mig, uint32_t* gi,
                    uint32_t* ci) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void EmitLocked(uint32_t gpu, unsigned long long type,
                  unsigned long long data, unsigned int gi, unsigned int ci)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Prints `message` to stderr the first time it occurs in this process.
  void ReportOnceLocked(const std::string& message)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  std::mutex mu_;
  std::condition_variable events_arrived_;
  int refcount_ ABSL_GUARDED_BY(mu_) = 0;
  std::string source_ ABSL_GUARDED_BY(mu_);
  MockMachine machine_ ABSL_GUARDED_BY(mu_);
  std::vector<bool> lost_ ABSL_GUARDED_BY(mu_);
  EventHub events_ ABSL_GUARDED_BY(mu_);
  std::vector<MockProcess> processes_ ABSL_GUARDED_BY(mu_);
  struct Failure {
    nvmlReturn_t code = NVML_SUCCESS;
    uint32_t times_left = 0;  // 0: until cleared
  };
  std::map<std::string, Failure, std::less<>> failures_ ABSL_GUARDED_BY(mu_);  // by function
  std::map<std::string, MachineProfile> parsed_ ABSL_GUARDED_BY(mu_);  // by YAML text
  std::string control_path_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<ControlFile> control_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::string> reported_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gpulet::mock

// The prologue every exported entry point shares, so that each states only
// what it answers. Both declare `call` (the held MockDriver::Call) in the
// entry point's scope and return from it on failure:
//   GPULET_MOCK_CALL(call): NVML_ERROR_UNINITIALIZED before nvmlInit, or
//     what `fail` injected for the entry point.
//   GPULET_MOCK_DEVICE_CALL(call, d, device, accept): also resolves handle
//     `device` into `const nvmlDevice_st* d` under `accept`
//     (MockDriver::Call::Device's errors).
// A helper several entry points share uses the _AS forms with the name its
// caller passes (its own __func__), so that `fail` reaches it by that name.
#define GPULET_MOCK_CALL_AS(call, function)         \
  ::gpulet::mock::MockDriver::Call call(function);  \
  if (call.status() != NVML_SUCCESS) return call.status()
#define GPULET_MOCK_CALL(call) GPULET_MOCK_CALL_AS(call, __func__)

#define GPULET_MOCK_DEVICE_CALL_AS(call, d, device, accept, function)          \
  ::gpulet::mock::MockDriver::Call call(function);                             \
  const nvmlDevice_st* d = nullptr;                                            \
  if (nvmlReturn_t call##_result = call.Device(device, accept, &d);            \
      call##_result != NVML_SUCCESS)                                           \
  return call##_result
#define GPULET_MOCK_DEVICE_CALL(call, d, device, accept) \
  GPULET_MOCK_DEVICE_CALL_AS(call, d, device, accept, __func__)

#endif  // GPULET_MOCK_NVML_MOCK_DRIVER_H_

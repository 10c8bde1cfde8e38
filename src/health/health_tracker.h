// HealthTracker: the health state machine of a node's GPUs and MIG devices,
// fed with what the NVML event loop sees and the time.
//
//   critical XID / double-bit ECC on a GPU     the GPU and all its MIG
//                                              devices are unhealthy
//   ... with GPU/compute instance ids          only the MIG devices of that
//                                              GI (and CI), and the parent
//                                              GPU as a whole device
//   the GPU does not answer (GPU_IS_LOST)      the GPU and its MIG devices,
//                                              no other GPU
//   a GPU the inventory could not read         unhealthy from the start
//
// Recovery (better than NVIDIA, whose Unhealthy is permanent): once the GPU
// answers NVML again and no critical event has hit a device for
// `recovery_window`, it is healthy again; the change names the reason.
// Without a window, devices never recover (NVIDIA's behaviour).
//
// Not thread-safe: owned by the HealthMonitor's thread (and by tests).
#ifndef GPULET_HEALTH_HEALTH_TRACKER_H_
#define GPULET_HEALTH_HEALTH_TRACKER_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "health/clock.h"
#include "health/health_snapshot.h"
#include "health/xid_policy.h"
#include "inventory/inventory.h"

namespace gpulet::health {

// One device whose health flipped, for the log line and metrics.
struct HealthChange {
  std::string uuid;
  std::string device;  // "GPU 3", "MIG device 3:1"
  bool healthy = false;
  std::string cause;
  friend bool operator==(const HealthChange&, const HealthChange&) = default;
};

// "GPU 3 (GPU-...) is unhealthy: XID 79" / "... is healthy again: ...".
std::string DescribeChange(const HealthChange& change);

class HealthTracker {
 public:
  // Every GPU and MIG device of `inventory` starts healthy, except GPUs
  // with a `problem` (and their MIG devices).
  HealthTracker(const inventory::Inventory& inventory, XidPolicy policy,
                std::optional<std::chrono::nanoseconds> recovery_window,
                Clock::TimePoint now);

  // An XID on the GPU with NVML index `gpu_index`; ignored unless the
  // policy calls it critical. Instance ids narrow it to MIG devices.
  std::vector<HealthChange> OnXid(unsigned int gpu_index,
                                  std::optional<unsigned int> gpu_instance,
                                  std::optional<unsigned int> compute_instance,
                                  uint64_t xid, Clock::TimePoint now);
  // A double-bit ECC error: always critical while checks are enabled.
  std::vector<HealthChange> OnDoubleBitEcc(
      unsigned int gpu_index, std::optional<unsigned int> gpu_instance,
      std::optional<unsigned int> compute_instance, Clock::TimePoint now);
  // The result of asking GPU `gpu_index` something: OK when it answers;
  // kUnavailable (GPU_IS_LOST) marks it lost; other errors are no verdict.
  std::vector<HealthChange> OnProbe(unsigned int gpu_index,
                                    const absl::Status& status,
                                    Clock::TimePoint now);
  // Event registration failed for the GPU: NVIDIA's plugin marks it
  // unhealthy; so does this, until a probe shows it answering.
  std::vector<HealthChange> OnRegistrationFailed(unsigned int gpu_index,
                                                 const absl::Status& status,
                                                 Clock::TimePoint now);
  // Recoveries whose window has passed by `now`.
  std::vector<HealthChange> Tick(Clock::TimePoint now);
  // Takes over the faults of a previous tracker's devices (a monitor
  // restarted for a new MIG layout): every device of this inventory that is
  // unhealthy in `previous` stays unhealthy with its cause, and its window
  // starts again at `now`, since what the old monitor saw in the meantime
  // is not known. Returns the devices that turn unhealthy.
  std::vector<HealthChange> CarryOver(const HealthSnapshot& previous, Clock::TimePoint now);

  // Health of every device, keyed by UUID.
  std::map<std::string, DeviceHealth, std::less<>> Devices() const;
  // Whether any GPU, or GPU `gpu_index`, is currently lost (the monitor
  // then probes at every wait).
  bool AnyLost() const;
  bool IsLost(unsigned int gpu_index) const;

 private:
  struct Unit {
    std::string uuid;
    std::string name;  // "GPU 3", "MIG device 3:1"
    unsigned int gpu = 0;
    std::optional<unsigned int> gi, ci;  // MIG devices only
    std::optional<Clock::TimePoint> last_fault;
    std::string fault;  // the cause of the last fault
    DeviceHealth health;
  };
  struct GpuState {
    bool lost = false;
    std::string lost_cause;
  };

  std::vector<HealthChange> Fault(unsigned int gpu_index,
                                  std::optional<unsigned int> gi,
                                  std::optional<unsigned int> ci,
                                  const std::string& cause,
                                  Clock::TimePoint now);
  std::vector<HealthChange> Reconcile(Clock::TimePoint now);

  XidPolicy policy_;
  std::optional<std::chrono::nanoseconds> recovery_window_;
  std::vector<Unit> units_;          // GPUs and MIG devices, inventory order
  std::map<unsigned int, GpuState> gpus_;  // by NVML index
};

}  // namespace gpulet::health

#endif  // GPULET_HEALTH_HEALTH_TRACKER_H_

// HealthMonitor: the node's one NVML event loop for the health of all GPUs
// and MIG devices (NVIDIA runs one per resource).
//
// Registers the XID and double-bit ECC events of every GPU on a single
// NvmlEventSet and waits on it in its own thread with a short timeout, so
// Stop() returns promptly. Events are mapped to GPUs by handle and to MIG
// devices by their GPU/compute instance ids; a wait that reports
// GPU_IS_LOST, and a periodic probe of every GPU, find GPUs that fell off
// the bus without condemning the others. Each health change is logged as
// one line naming the device and the cause, and published as a new
// HealthSnapshot (version + 1) on the feed. HealthTracker holds the rules;
// this class owns the thread and NVML.
//
// Thread-safe. The thread starts in Start() and ends in Stop() (or the
// destructor). The library and inventory are shared, so they outlive it.
//
// Example:
//   ASSIGN_OR_RETURN(auto monitor, HealthMonitor::Start(nvml, inventory, {}));
//   auto subscription = monitor->feed()->Subscribe(on_change);
//   ...
//   monitor->Stop();
#ifndef GPULET_HEALTH_HEALTH_MONITOR_H_
#define GPULET_HEALTH_HEALTH_MONITOR_H_

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "health/clock.h"
#include "health/health_feed.h"
#include "health/health_tracker.h"
#include "health/xid_policy.h"
#include "inventory/inventory.h"
#include "nvml/nvml_device.h"
#include "nvml/nvml_event_set.h"
#include "nvml/nvml_library.h"

namespace gpulet::health {

struct HealthMonitorOptions {
  XidPolicy xids;
  // How long one event wait blocks: the bound on Stop()'s latency.
  std::chrono::milliseconds wait_timeout{500};
  // How often every GPU is asked whether it still answers (by `clock`);
  // while a GPU is lost it is asked at every wait timeout.
  std::chrono::milliseconds probe_interval{10'000};
  // How long a device must stay free of critical events, answering NVML,
  // before it is healthy again; nullopt: never (NVIDIA's behaviour).
  std::optional<std::chrono::nanoseconds> recovery_window =
      std::chrono::minutes(5);
  // Must outlive the monitor.
  const Clock* clock = &Clock::Steady();
  // Where snapshots go; a fresh feed when null. Passing the previous
  // monitor's feed keeps versions growing across a restart (MIG change),
  // and its unhealthy devices unhealthy for a new window.
  std::shared_ptr<HealthFeed> feed;
};

class HealthMonitor {
 public:
  // Publishes the first snapshot (GPUs with an inventory problem or whose
  // events cannot be registered are unhealthy), then starts the thread
  // unless every check is disabled. Errors: the status of
  // nvmlEventSetCreate (e.g. kFailedPrecondition), only when XID checks are
  // enabled.
  static absl::StatusOr<std::unique_ptr<HealthMonitor>> Start(
      std::shared_ptr<const nvml::NvmlLibrary> library,
      std::shared_ptr<const inventory::Inventory> inventory,
      HealthMonitorOptions options);

  // Start in two steps, for a restart on a new MIG layout without a gap:
  // Prepare creates the event set and registers every GPU, so that from
  // then on no event is lost, but handles none and publishes nothing;
  // Begin (once, after the previous monitor on the same feed has stopped)
  // takes over that monitor's faults, publishes the first snapshot and
  // starts the thread, which handles what arrived in between. An event
  // both monitors saw is handled twice, which only restarts its window.
  static absl::StatusOr<std::unique_ptr<HealthMonitor>> Prepare(
      std::shared_ptr<const nvml::NvmlLibrary> library,
      std::shared_ptr<const inventory::Inventory> inventory,
      HealthMonitorOptions options);
  void Begin();

  HealthMonitor(const HealthMonitor&) = delete;
  HealthMonitor& operator=(const HealthMonitor&) = delete;
  ~HealthMonitor();

  // Ends the thread and closes the feed's waiters; idempotent.
  void Stop();

  const std::shared_ptr<HealthFeed>& feed() const { return feed_; }
  std::shared_ptr<const HealthSnapshot> Snapshot() const {
    return feed_->Current();
  }

 private:
  struct Gpu {
    unsigned int index;
    std::optional<nvml::NvmlDevice> handle;  // nullopt if it could not be opened
  };

  HealthMonitor(std::shared_ptr<const nvml::NvmlLibrary> library,
                std::shared_ptr<const inventory::Inventory> inventory,
                HealthMonitorOptions options);

  void Register(std::vector<HealthChange>& changes);
  // Registration failures found by Prepare, published by Begin.
  std::vector<HealthChange> registration_changes_;
  void Run();
  void HandleEvent(const nvml::Event& event, std::vector<HealthChange>& changes);
  void ProbeAll(std::vector<HealthChange>& changes);
  // Logs `changes` and publishes a new snapshot if there are any (or
  // `always`).
  void Publish(const std::vector<HealthChange>& changes, bool always);

  std::shared_ptr<const nvml::NvmlLibrary> library_;
  std::shared_ptr<const inventory::Inventory> inventory_;
  HealthMonitorOptions options_;
  std::shared_ptr<HealthFeed> feed_;

  // Owned by the monitor thread once it runs (and by Start() before).
  HealthTracker tracker_;
  std::vector<Gpu> gpus_;
  std::optional<nvml::NvmlEventSet> events_;
  uint64_t version_ = 0;
  Clock::TimePoint next_probe_{};

  absl::Notification stop_;
  std::mutex thread_mu_;  // std::mutex: visible to ThreadSanitizer
  std::thread thread_ ABSL_GUARDED_BY(thread_mu_);
};

}  // namespace gpulet::health

#endif  // GPULET_HEALTH_HEALTH_MONITOR_H_

#include "health/health_monitor.h"

#include "base/absl_format.h"
#include "nvml/nvml_abi.h"
#include "nvml/nvml_error.h"
#include "spdlog/spdlog.h"

namespace gpulet::health {
namespace {

// What the monitor watches: XIDs and uncorrectable memory errors.
constexpr uint64_t kWatchedEvents =
    nvmlEventTypeXidCriticalError | nvmlEventTypeDoubleBitEccError;

std::string StatusText(const absl::Status& status) {
  return std::string(status.message());
}

}  // namespace

HealthMonitor::HealthMonitor(std::shared_ptr<const nvml::NvmlLibrary> library,
                             std::shared_ptr<const inventory::Inventory> inventory,
                             HealthMonitorOptions options)
    : library_(std::move(library)),
      inventory_(std::move(inventory)),
      options_(std::move(options)),
      feed_(options_.feed != nullptr ? options_.feed : std::make_shared<HealthFeed>()),
      tracker_(*inventory_, options_.xids, options_.recovery_window,
               options_.clock->Now()),
      version_(feed_->Current()->version()) {}

absl::StatusOr<std::unique_ptr<HealthMonitor>> HealthMonitor::Start(
    std::shared_ptr<const nvml::NvmlLibrary> library,
    std::shared_ptr<const inventory::Inventory> inventory,
    HealthMonitorOptions options) {
  absl::StatusOr<std::unique_ptr<HealthMonitor>> monitor =
      Prepare(std::move(library), std::move(inventory), std::move(options));
  if (monitor.ok()) (*monitor)->Begin();
  return monitor;
}

absl::StatusOr<std::unique_ptr<HealthMonitor>> HealthMonitor::Prepare(
    std::shared_ptr<const nvml::NvmlLibrary> library,
    std::shared_ptr<const inventory::Inventory> inventory,
    HealthMonitorOptions options) {
  std::unique_ptr<HealthMonitor> monitor(
      new HealthMonitor(std::move(library), std::move(inventory), std::move(options)));
  HealthMonitor& m = *monitor;
  spdlog::info("Health checks: {}", m.options_.xids.ToString());
  if (m.options_.xids.xids_enabled()) {
    absl::StatusOr<nvml::NvmlEventSet> events = nvml::NvmlEventSet::Create(m.library_);
    if (!events.ok()) return events.status();
    m.events_.emplace(std::move(*events));
  }
  if (m.options_.xids.enabled()) m.Register(m.registration_changes_);
  return monitor;
}

void HealthMonitor::Begin() {
  // A restart on the previous monitor's feed (a new MIG layout) must not
  // make a faulty device healthy before its window has passed; what that
  // monitor published up to its Stop() is taken over here.
  version_ = feed_->Current()->version();
  std::vector<HealthChange> changes = tracker_.CarryOver(*feed_->Current(), options_.clock->Now());
  changes.insert(changes.end(), registration_changes_.begin(), registration_changes_.end());
  registration_changes_.clear();
  for (const auto& [uuid, health] : tracker_.Devices()) {
    if (!health.healthy) {
      spdlog::warn("Device {} is unhealthy at start: {}", uuid, health.cause);
    }
  }
  Publish(changes, /*always=*/true);
  if (options_.xids.enabled()) {
    std::lock_guard<std::mutex> lock(thread_mu_);
    thread_ = std::thread([this] { Run(); });
  }
}

HealthMonitor::~HealthMonitor() { Stop(); }

void HealthMonitor::Stop() {
  std::lock_guard<std::mutex> lock(thread_mu_);
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
  feed_->Close();
}

void HealthMonitor::Register(std::vector<HealthChange>& changes) {
  const Clock::TimePoint now = options_.clock->Now();
  for (const inventory::Gpu& gpu : inventory_->gpus) {
    absl::StatusOr<nvml::NvmlDevice> device = nvml::NvmlDevice::ByIndex(library_, gpu.index);
    Gpu entry{gpu.index, std::nullopt};
    if (device.ok()) entry.handle.emplace(*device);
    absl::Status status = device.status();
    if (status.ok() && events_.has_value()) {
      absl::StatusOr<uint64_t> supported = device->SupportedEventTypes();
      status = supported.ok() ? events_->Register(*device, *supported & kWatchedEvents)
                              : supported.status();
    }
    if (status.code() == absl::StatusCode::kUnimplemented) {
      // NVIDIA's plugin only warns here: old GPUs have no XID events.
      spdlog::warn("GPU {} cannot report XID events: {}", gpu.index, StatusText(status));
    } else if (!status.ok()) {
      for (const HealthChange& c : tracker_.OnRegistrationFailed(gpu.index, status, now)) {
        changes.push_back(c);
      }
    }
    gpus_.push_back(std::move(entry));
  }
}

void HealthMonitor::Run() {
  const std::chrono::milliseconds wait = options_.wait_timeout;
  while (!stop_.HasBeenNotified()) {
    std::vector<HealthChange> changes;
    bool lost_reported = false;
    // An event can mean the GPU fell off the bus (XID 79): ask at once, not
    // at the next probe interval, or its window could pass while it is lost.
    bool had_event = false;
    if (events_.has_value()) {
      absl::StatusOr<nvml::Event> event = events_->Wait(wait);
      if (event.ok()) {
        had_event = true;
        HandleEvent(*event, changes);
      } else if (event.status().code() != absl::StatusCode::kDeadlineExceeded) {
        // GPU_IS_LOST names no GPU: the probes below find which. Anything
        // else is logged; waiting out the timeout keeps this from spinning.
        lost_reported = event.status().code() == absl::StatusCode::kUnavailable;
        if (!lost_reported) spdlog::warn("Waiting for NVML events: {}", event.status());
        stop_.WaitForNotificationWithTimeout(absl::Milliseconds(wait.count()));
      }
    } else {
      stop_.WaitForNotificationWithTimeout(absl::Milliseconds(wait.count()));
    }
    const Clock::TimePoint now = options_.clock->Now();
    if (lost_reported || had_event || tracker_.AnyLost() || now >= next_probe_) {
      ProbeAll(changes);
      next_probe_ = now + options_.probe_interval;
    }
    for (const HealthChange& c : tracker_.Tick(now)) changes.push_back(c);
    Publish(changes, /*always=*/false);
  }
}

void HealthMonitor::HandleEvent(const nvml::Event& event,
                                std::vector<HealthChange>& changes) {
  const Clock::TimePoint now = options_.clock->Now();
  for (const Gpu& gpu : gpus_) {
    if (!gpu.handle.has_value() || gpu.handle->handle() != event.device) continue;
    std::vector<HealthChange> found;
    if (event.type == nvmlEventTypeXidCriticalError) {
      found = tracker_.OnXid(gpu.index, event.gpu_instance_id,
                             event.compute_instance_id, event.data, now);
      if (found.empty()) spdlog::info("GPU {}: XID {} ignored", gpu.index, event.data);
    } else if (event.type == nvmlEventTypeDoubleBitEccError) {
      found = tracker_.OnDoubleBitEcc(gpu.index, event.gpu_instance_id,
                                      event.compute_instance_id, now);
    }
    changes.insert(changes.end(), found.begin(), found.end());
    return;
  }
  spdlog::warn("NVML event {} (data {}) for a device that is not watched",
               event.type, event.data);
}

void HealthMonitor::ProbeAll(std::vector<HealthChange>& changes) {
  for (Gpu& gpu : gpus_) {
    if (!gpu.handle.has_value()) {
      // Lost when the monitor started: opened once it answers, or it
      // would stay lost until the next layout change.
      absl::StatusOr<nvml::NvmlDevice> device = nvml::NvmlDevice::ByIndex(library_, gpu.index);
      if (!device.ok()) continue;
      gpu.handle.emplace(*device);
    }
    absl::Status status = gpu.handle->Uuid().status();
    const bool was_lost = tracker_.IsLost(gpu.index);
    std::vector<HealthChange> found =
        tracker_.OnProbe(gpu.index, status, options_.clock->Now());
    // A GPU that came back may need its events registered again.
    if (was_lost && status.ok() && events_.has_value()) {
      absl::StatusOr<uint64_t> supported = gpu.handle->SupportedEventTypes();
      if (supported.ok()) {
        absl::Status registered = events_->Register(*gpu.handle, *supported & kWatchedEvents);
        if (!registered.ok()) spdlog::warn("Re-registering GPU {}: {}", gpu.index, registered);
      }
    }
    changes.insert(changes.end(), found.begin(), found.end());
  }
}

void HealthMonitor::Publish(const std::vector<HealthChange>& changes, bool always) {
  if (changes.empty() && !always) return;
  for (const HealthChange& change : changes) {
    if (change.healthy) {
      spdlog::info("{}", DescribeChange(change));
    } else {
      spdlog::warn("{}", DescribeChange(change));
    }
  }
  feed_->Publish(std::make_shared<const HealthSnapshot>(++version_, tracker_.Devices()));
}

}  // namespace gpulet::health

#include "health/health_tracker.h"

#include "absl/strings/str_cat.h"
#include "nvml/nvml_error.h"

namespace gpulet::health {
namespace {

std::string FormatWindow(std::chrono::nanoseconds window) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(window).count();
  if (seconds >= 60 && seconds % 60 == 0) return absl::StrCat(seconds / 60, "m");
  if (seconds > 0) return absl::StrCat(seconds, "s");
  return absl::StrCat(
      std::chrono::duration_cast<std::chrono::milliseconds>(window).count(), "ms");
}

}  // namespace

std::string DescribeChange(const HealthChange& change) {
  return absl::StrCat(change.device, " (", change.uuid, ") is ",
                      change.healthy ? "healthy again: " : "unhealthy: ", change.cause);
}

HealthTracker::HealthTracker(const inventory::Inventory& inventory, XidPolicy policy,
                             std::optional<std::chrono::nanoseconds> recovery_window,
                             Clock::TimePoint now)
    : policy_(std::move(policy)), recovery_window_(recovery_window) {
  for (const inventory::Gpu& gpu : inventory.gpus) {
    Unit unit;
    unit.uuid = gpu.uuid;
    unit.name = absl::StrCat("GPU ", gpu.index);
    unit.gpu = gpu.index;
    units_.push_back(unit);
    for (const inventory::MigDevice& mig : gpu.mig_devices) {
      Unit m;
      m.uuid = mig.uuid;
      m.name = absl::StrCat("MIG device ", gpu.index, ":", mig.index);
      m.gpu = gpu.index;
      m.gi = mig.gpu_instance_id;
      m.ci = mig.compute_instance_id;
      units_.push_back(m);
    }
    GpuState& state = gpus_[gpu.index];
    if (!gpu.problem.empty()) {
      state.lost = true;
      state.lost_cause = absl::StrCat("inventory: ", gpu.problem);
    }
  }
  // The start state is not a change: no log line for it.
  Reconcile(now);
}

std::vector<HealthChange> HealthTracker::OnXid(unsigned int gpu_index,
                                               std::optional<unsigned int> gpu_instance,
                                               std::optional<unsigned int> compute_instance,
                                               uint64_t xid, Clock::TimePoint now) {
  if (!policy_.IsCritical(xid)) return {};
  return Fault(gpu_index, gpu_instance, compute_instance, absl::StrCat("XID ", xid), now);
}

std::vector<HealthChange> HealthTracker::OnDoubleBitEcc(
    unsigned int gpu_index, std::optional<unsigned int> gpu_instance,
    std::optional<unsigned int> compute_instance, Clock::TimePoint now) {
  if (!policy_.enabled()) return {};
  return Fault(gpu_index, gpu_instance, compute_instance, "double-bit ECC error", now);
}

std::vector<HealthChange> HealthTracker::OnProbe(unsigned int gpu_index,
                                                 const absl::Status& status,
                                                 Clock::TimePoint now) {
  auto it = gpus_.find(gpu_index);
  if (it == gpus_.end()) return {};
  GpuState& state = it->second;
  if (status.ok()) {
    if (!state.lost) return {};
    // It answers again: the recovery window starts now, for the GPU and
    // its MIG devices, as if the loss were their last fault.
    state.lost = false;
    for (Unit& unit : units_) {
      if (unit.gpu != gpu_index) continue;
      unit.last_fault = now;
      if (unit.fault.empty()) unit.fault = state.lost_cause;
    }
    return Reconcile(now);
  }
  if (status.code() != absl::StatusCode::kUnavailable || state.lost) return {};
  state.lost = true;
  state.lost_cause = absl::StrCat("GPU is lost (", status.message(), ")");
  return Reconcile(now);
}

std::vector<HealthChange> HealthTracker::OnRegistrationFailed(
    unsigned int gpu_index, const absl::Status& status, Clock::TimePoint now) {
  auto it = gpus_.find(gpu_index);
  if (it == gpus_.end() || it->second.lost) return {};
  it->second.lost = true;
  it->second.lost_cause =
      absl::StrCat("cannot watch its events (", status.message(), ")");
  return Reconcile(now);
}

std::vector<HealthChange> HealthTracker::Tick(Clock::TimePoint now) {
  return Reconcile(now);
}

std::vector<HealthChange> HealthTracker::CarryOver(const HealthSnapshot& previous,
                                                   Clock::TimePoint now) {
  for (Unit& unit : units_) {
    const DeviceHealth* before = previous.Find(unit.uuid);
    if (before == nullptr || before->healthy) continue;
    unit.last_fault = now;
    unit.fault = before->cause;
  }
  return Reconcile(now);
}

std::vector<HealthChange> HealthTracker::Fault(unsigned int gpu_index,
                                               std::optional<unsigned int> gi,
                                               std::optional<unsigned int> ci,
                                               const std::string& cause,
                                               Clock::TimePoint now) {
  for (Unit& unit : units_) {
    if (unit.gpu != gpu_index) continue;
    // A whole-GPU event hits every device of the GPU; a MIG event hits the
    // MIG devices of its instances and the GPU as a whole device (as
    // advertised under the none strategy), not the other MIG devices.
    bool hit = !gi.has_value() || !unit.gi.has_value() ||
               (*unit.gi == *gi && (!ci.has_value() || *unit.ci == *ci));
    if (!hit) continue;
    unit.last_fault = now;
    unit.fault = cause;
  }
  return Reconcile(now);
}

std::vector<HealthChange> HealthTracker::Reconcile(Clock::TimePoint now) {
  std::vector<HealthChange> changes;
  for (Unit& unit : units_) {
    const GpuState& gpu = gpus_[unit.gpu];
    std::string cause;
    bool healthy = true;
    if (gpu.lost) {
      healthy = false;
      cause = gpu.lost_cause;
    } else if (unit.last_fault.has_value() &&
               (!recovery_window_.has_value() || now - *unit.last_fault < *recovery_window_)) {
      healthy = false;
      cause = unit.fault;
    }
    if (healthy == unit.health.healthy && (healthy || cause == unit.health.cause)) continue;
    if (healthy) {
      cause = absl::StrCat("NVML answers and no critical event for ",
                           FormatWindow(*recovery_window_), " since ", unit.fault);
      unit.last_fault.reset();
      unit.fault.clear();
    }
    unit.health = DeviceHealth{healthy, cause, now};
    changes.push_back(HealthChange{unit.uuid, unit.name, healthy, cause});
  }
  return changes;
}

std::map<std::string, DeviceHealth, std::less<>> HealthTracker::Devices() const {
  std::map<std::string, DeviceHealth, std::less<>> out;
  for (const Unit& unit : units_) out.emplace(unit.uuid, unit.health);
  return out;
}

bool HealthTracker::AnyLost() const {
  for (const auto& [index, state] : gpus_) {
    if (state.lost) return true;
  }
  return false;
}

}  // namespace gpulet::health

namespace gpulet::health {

bool HealthTracker::IsLost(unsigned int gpu_index) const {
  auto it = gpus_.find(gpu_index);
  return it != gpus_.end() && it->second.lost;
}

}  // namespace gpulet::health

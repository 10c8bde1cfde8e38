// HealthSnapshot: the health of every GPU and MIG device of the node at one
// moment, with a version that grows by one per published change.
//
// Published by the HealthMonitor as std::shared_ptr<const HealthSnapshot>;
// never changed after publication (a change publishes a new snapshot), so
// readers load it once and read it without locks. Thread-safe to read.
#ifndef GPULET_HEALTH_HEALTH_SNAPSHOT_H_
#define GPULET_HEALTH_HEALTH_SNAPSHOT_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "health/clock.h"

namespace gpulet::health {

struct DeviceHealth {
  bool healthy = true;
  // Why it is unhealthy ("XID 79", "GPU is lost"), or why it recovered.
  std::string cause;
  // When the device last changed health; epoch when it never did.
  Clock::TimePoint since{};

  friend bool operator==(const DeviceHealth&, const DeviceHealth&) = default;
};

class HealthSnapshot {
 public:
  HealthSnapshot() = default;
  // Keys are GPU and MIG UUIDs.
  HealthSnapshot(uint64_t version, std::map<std::string, DeviceHealth, std::less<>> devices)
      : version_(version), devices_(std::move(devices)) {}

  // 0 for the empty snapshot published before the monitor starts.
  uint64_t version() const { return version_; }

  // Whether the GPU or MIG device `uuid` is healthy. A UUID the snapshot
  // does not know is healthy: what is not monitored is not condemned (its
  // static health comes from the ResourceSet).
  bool IsHealthy(std::string_view uuid) const;
  // nullptr for an unknown UUID.
  const DeviceHealth* Find(std::string_view uuid) const;
  const std::map<std::string, DeviceHealth, std::less<>>& devices() const {
    return devices_;
  }

 private:
  uint64_t version_ = 0;
  std::map<std::string, DeviceHealth, std::less<>> devices_;
};

}  // namespace gpulet::health

#endif  // GPULET_HEALTH_HEALTH_SNAPSHOT_H_

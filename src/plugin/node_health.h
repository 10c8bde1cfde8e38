// NodeHealth: the device plugin's one HealthMonitor, kept in step with the
// node's MIG layout.
//
// The monitor watches the devices of the inventory it was started with.
// When a rebuild finds another MIG layout (MIG turned on or off, instances
// created or destroyed) Update() stops it and starts a new one on the new
// inventory, publishing on the same HealthFeed, so subscribers (the
// Manager) keep their subscription and versions keep growing. A GPU that
// merely fell off the bus does not count as a new layout: the running
// monitor is the one that tracks its loss and recovery.
//
// Not thread-safe: Start(), Update() and Stop() run on one thread (the
// Manager's); feed() may be read anywhere. The library must outlive it.
#ifndef GPULET_PLUGIN_NODE_HEALTH_H_
#define GPULET_PLUGIN_NODE_HEALTH_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "health/health_feed.h"
#include "health/health_monitor.h"
#include "inventory/inventory.h"
#include "nvml/nvml_library.h"

namespace gpulet::plugin {

// What identifies a MIG layout: each GPU's UUID and MIG mode and each MIG
// device's UUID and instance ids, in order.
std::string MigLayoutKey(const inventory::Inventory& inventory);

class NodeHealth {
 public:
  // Starts the monitor on `inventory`. Errors are HealthMonitor::Start's.
  static absl::StatusOr<std::unique_ptr<NodeHealth>> Start(
      std::shared_ptr<const nvml::NvmlLibrary> library,
      std::shared_ptr<const inventory::Inventory> inventory,
      health::HealthMonitorOptions options);
  ~NodeHealth() { Stop(); }
  NodeHealth(const NodeHealth&) = delete;
  NodeHealth& operator=(const NodeHealth&) = delete;

  // Restarts the monitor when `inventory` has another MIG layout. A
  // restart that fails leaves the running monitor watching the old devices
  // and is retried at the next Update(); the error is logged.
  void Update(std::shared_ptr<const inventory::Inventory> inventory);

  // Stops the monitor thread; idempotent.
  void Stop();

  const std::shared_ptr<health::HealthFeed>& feed() const { return feed_; }

 private:
  NodeHealth(std::shared_ptr<const nvml::NvmlLibrary> library,
             health::HealthMonitorOptions options);
  absl::Status Restart(std::shared_ptr<const inventory::Inventory> inventory);

  const std::shared_ptr<const nvml::NvmlLibrary> library_;
  health::HealthMonitorOptions options_;  // options_.feed is feed_
  const std::shared_ptr<health::HealthFeed> feed_;
  std::unique_ptr<health::HealthMonitor> monitor_;
  std::shared_ptr<const inventory::Inventory> monitored_;  // monitor_'s
};

}  // namespace gpulet::plugin

#endif  // GPULET_PLUGIN_NODE_HEALTH_H_

#include "plugin/node_health.h"

#include "absl/strings/str_cat.h"
#include "base/absl_format.h"
#include "spdlog/spdlog.h"

namespace gpulet::plugin {

std::string MigLayoutKey(const inventory::Inventory& inventory) {
  std::string key;
  for (const inventory::Gpu& gpu : inventory.gpus) {
    absl::StrAppend(&key, gpu.uuid, gpu.mig_enabled ? " mig[" : " [");
    for (const inventory::MigDevice& mig : gpu.mig_devices) {
      absl::StrAppend(&key, mig.uuid, "/", mig.gpu_instance_id, "/", mig.compute_instance_id,
                      " ");
    }
    absl::StrAppend(&key, "];");
  }
  return key;
}

NodeHealth::NodeHealth(std::shared_ptr<const nvml::NvmlLibrary> library,
                       health::HealthMonitorOptions options)
    : library_(std::move(library)),
      options_(std::move(options)),
      feed_(options_.feed != nullptr ? options_.feed : std::make_shared<health::HealthFeed>()) {
  options_.feed = feed_;
}

absl::StatusOr<std::unique_ptr<NodeHealth>> NodeHealth::Start(
    std::shared_ptr<const nvml::NvmlLibrary> library,
    std::shared_ptr<const inventory::Inventory> inventory, health::HealthMonitorOptions options) {
  std::unique_ptr<NodeHealth> health(new NodeHealth(std::move(library), std::move(options)));
  if (absl::Status s = health->Restart(std::move(inventory)); !s.ok()) return s;
  return health;
}

void NodeHealth::Update(std::shared_ptr<const inventory::Inventory> inventory) {
  if (inventory == nullptr) return;
  // A GPU that fell off the bus is read without its UUID and MIG devices;
  // a monitor restarted on that would forget the loss, and on the GPU's
  // return start it healthy without its recovery window. The running
  // monitor tracks it instead; a real re-layout waits until it answers.
  if (monitor_ != nullptr) {
    for (const inventory::Gpu& gpu : inventory->gpus) {
      if (!gpu.problem.empty()) return;
    }
  }
  std::string layout = MigLayoutKey(*inventory);
  if (monitor_ != nullptr && layout == layout_) return;
  spdlog::info("MIG layout changed: restarting the health monitor on the new devices");
  if (absl::Status s = Restart(std::move(inventory)); !s.ok()) {
    spdlog::error("Health checks paused until the next rescan: {}", s);
  }
}

absl::Status NodeHealth::Restart(std::shared_ptr<const inventory::Inventory> inventory) {
  // The new monitor registers the new devices before the old one lets go
  // of its event set, so that an XID in between reaches at least one of
  // them; one event loop handles events at a time, and the new one takes
  // over what the old one published.
  layout_ = MigLayoutKey(*inventory);
  absl::StatusOr<std::unique_ptr<health::HealthMonitor>> next =
      health::HealthMonitor::Prepare(library_, std::move(inventory), options_);
  if (monitor_ != nullptr) monitor_->Stop();
  monitor_.reset();
  if (!next.ok()) return next.status();
  monitor_ = *std::move(next);
  monitor_->Begin();
  return absl::OkStatus();
}

void NodeHealth::Stop() {
  if (monitor_ != nullptr) monitor_->Stop();
}

}  // namespace gpulet::plugin

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

namespace {

// `read` with each GPU that could not be read whole (it fell off the bus)
// as `monitored` has it, so that its loss is neither a new layout nor
// forgotten by a monitor restarted for another GPU's re-layout.
std::shared_ptr<const inventory::Inventory> WithLostGpusAsMonitored(
    std::shared_ptr<const inventory::Inventory> read, const inventory::Inventory* monitored) {
  if (monitored == nullptr) return read;
  std::shared_ptr<inventory::Inventory> merged;
  for (size_t i = 0; i < read->gpus.size(); ++i) {
    if (read->gpus[i].problem.empty()) continue;
    for (const inventory::Gpu& known : monitored->gpus) {
      if (known.index != read->gpus[i].index || known.uuid.empty()) continue;
      if (merged == nullptr) merged = std::make_shared<inventory::Inventory>(*read);
      merged->gpus[i] = known;
      break;
    }
  }
  if (merged == nullptr) return read;
  return merged;
}

}  // namespace

void NodeHealth::Update(std::shared_ptr<const inventory::Inventory> inventory) {
  if (inventory == nullptr) return;
  inventory = WithLostGpusAsMonitored(std::move(inventory), monitored_.get());
  if (monitor_ != nullptr && MigLayoutKey(*inventory) == MigLayoutKey(*monitored_)) return;
  spdlog::info("MIG layout changed: restarting the health monitor on the new devices");
  if (absl::Status s = Restart(std::move(inventory)); !s.ok()) {
    spdlog::error("Health monitor not restarted for the new MIG layout (the old devices "
                  "stay watched; retried at the next rescan): {}",
                  s);
  }
}

absl::Status NodeHealth::Restart(std::shared_ptr<const inventory::Inventory> inventory) {
  // The new monitor registers the new devices before the old one lets go
  // of its event set, so that an XID in between reaches at least one of
  // them; one event loop handles events at a time, and the new one takes
  // over what the old one published. One that cannot be prepared leaves
  // the old one running: it still watches every GPU.
  absl::StatusOr<std::unique_ptr<health::HealthMonitor>> next =
      health::HealthMonitor::Prepare(library_, inventory, options_);
  if (!next.ok()) return next.status();
  if (monitor_ != nullptr) monitor_->Stop();
  monitor_ = *std::move(next);
  monitored_ = std::move(inventory);
  monitor_->Begin();
  return absl::OkStatus();
}

void NodeHealth::Stop() {
  if (monitor_ != nullptr) monitor_->Stop();
}

}  // namespace gpulet::plugin

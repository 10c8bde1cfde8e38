#include "labels/gfd_labeler.h"

#include <string>
#include <utility>
#include <vector>

#include "labels/fabric_labels.h"
#include "labels/node_labels.h"
#include "labels/resource_labels.h"
#include "labels/vgpu_labels.h"

namespace gpulet::labels {
namespace {

// The vGPU labels come from PCI config space, not NVML, so a node whose
// NVML is unusable still gets them, as with GFD's separate vGPU labeler.
class VgpuLabeler final : public Labeler {
 public:
  explicit VgpuLabeler(hostfs::HostView host) : host_(std::move(host)) {}

  // Labeler
  absl::StatusOr<LabelMap> Labels() const override { return VgpuLabels(host_); }

 private:
  const hostfs::HostView host_;
};

// Every label that describes GPUs; none on a node without GPUs, where GFD
// writes only its timestamp.
class DeviceLabeler final : public Labeler {
 public:
  explicit DeviceLabeler(GfdLabelerInputs inputs) : in_(std::move(inputs)) {}

  // Labeler
  absl::StatusOr<LabelMap> Labels() const override {
    const inventory::Inventory& inventory = *in_.inventory;
    const Config& config = *in_.config;
    LabelMap out;
    if (inventory.gpus.empty()) return out;
    // Later sources win on a shared key, as in NVIDIA's Merge order.
    for (LabelMap part :
         {MachineTypeLabels(in_.host, config.gfd.machine_type_file),
          VersionLabels(inventory), MigCapableLabels(inventory),
          MpsCapableLabels(inventory, config.sharing),
          ResourceLabels(inventory, config.mig_strategy, config.sharing),
          GpuModeLabels(inventory, in_.host), FabricLabels(inventory)}) {
      for (auto& [key, value] : part) out[key] = std::move(value);
    }
    if (config.mig_strategy != MigStrategy::kNone) {
      out["nvidia.com/mig.strategy"] = std::string(ToString(config.mig_strategy));
    }
    return out;
  }

 private:
  const GfdLabelerInputs in_;
};

}  // namespace

std::unique_ptr<Labeler> NewGfdLabeler(GfdLabelerInputs inputs) {
  std::vector<std::unique_ptr<Labeler>> labelers;
  if (inputs.timestamp.has_value()) {
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
        inputs.timestamp->time_since_epoch());
    labelers.push_back(
        NewStaticLabeler({{kTimestampLabel, std::to_string(seconds.count())}}));
  }
  labelers.push_back(std::make_unique<VgpuLabeler>(inputs.host));
  labelers.push_back(std::make_unique<DeviceLabeler>(std::move(inputs)));
  return Merge(std::move(labelers));
}

}  // namespace gpulet::labels

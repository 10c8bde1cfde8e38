#include "labels/resource_labels.h"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "labels/label_syntax.h"
#include "spdlog/spdlog.h"

namespace gpulet::labels {
namespace {

using inventory::Gpu;
using inventory::Inventory;
using inventory::MigDevice;

constexpr char kGpuResource[] = "nvidia.com/gpu";

// Writes the labels of one resource: "<resource>.<suffix>".
class ResourceWriter {
 public:
  // `sharing` null: sharing does not apply (replicas 0), as for the
  // full-GPU labels of MIG-enabled GPUs.
  ResourceWriter(std::string resource, const Sharing* sharing, LabelMap& out)
      : resource_(std::move(resource)), sharing_(sharing), out_(out) {}

  void Set(std::string_view suffix, std::string value) {
    out_[resource_ + "." + std::string(suffix)] = std::move(value);
  }
  void Set(std::string_view suffix, uint64_t value) { Set(suffix, std::to_string(value)); }

  // product, count, replicas and sharing-strategy.
  void Base(uint64_t count, std::vector<std::string_view> product_parts) {
    const ReplicatedResource* shared = sharing_ ? sharing_->Find(resource_) : nullptr;
    int replicas = sharing_ == nullptr ? 0 : shared != nullptr ? shared->replicas : 1;
    if (replicas > 1 && shared->rename.empty()) product_parts.push_back("SHARED");
    Set("product", ToLabelValue(product_parts));
    Set("count", count);
    Set("replicas", static_cast<uint64_t>(replicas));
    Set("sharing-strategy", replicas > 1 ? std::string(ToString(sharing_->Strategy()))
                                         : std::string("none"));
  }

  void Architecture(const Gpu& gpu) {
    const nvml::ComputeCapability& cc = gpu.compute_capability;
    if (cc.major <= 0) return;
    Set("family", std::string(ArchitectureFamily(cc.major, cc.minor)));
    Set("compute.major", static_cast<uint64_t>(cc.major));
    Set("compute.minor", static_cast<uint64_t>(cc.minor));
  }

  void MigAttributes(const nvml::DeviceAttributes& a) {
    Set("memory", a.memory_mib);
    Set("multiprocessors", a.multiprocessor_count);
    Set("slices.gi", a.gpu_instance_slice_count);
    Set("slices.ci", a.compute_instance_slice_count);
    Set("engines.copy", a.shared_copy_engine_count);
    Set("engines.decoder", a.shared_decoder_count);
    Set("engines.encoder", a.shared_encoder_count);
    Set("engines.jpeg", a.shared_jpeg_count);
    Set("engines.ofa", a.shared_ofa_count);
  }

 private:
  std::string resource_;
  const Sharing* sharing_;
  LabelMap& out_;
};

// Whether the device plugin advertises `gpu` as a MIG parent rather than a
// full nvidia.com/gpu. Under `none` MIG mode is ignored and the GPU is
// whole, so it keeps its sharing labels (NVIDIA labels it replicas=0 anyway).
bool IsMigParent(const Gpu& gpu, MigStrategy strategy) {
  return strategy != MigStrategy::kNone && gpu.mig_enabled;
}

struct GpuGroup {
  const Gpu* first = nullptr;  // lowest index with this name
  uint64_t count = 0;
  bool any_full = false;       // at least one is advertised whole
};

// The nvidia.com/gpu.* labels describe one GPU model. With several models
// the lowest-indexed whole GPU wins, else the lowest-indexed MIG parent
// (NVIDIA merges one label set per model in map order, so its choice changes
// from run to run and keys of different models can mix).
void FullGpuLabels(const Inventory& inventory, MigStrategy strategy,
                   const Sharing& sharing, LabelMap& out) {
  std::map<std::string, GpuGroup> groups;
  for (const Gpu& gpu : inventory.gpus) {
    // Lost before it was read: not advertised, so not counted either.
    if (gpu.uuid.empty() && !gpu.problem.empty()) continue;
    GpuGroup& group = groups[gpu.name];
    if (group.first == nullptr) group.first = &gpu;
    ++group.count;
    group.any_full = group.any_full || !IsMigParent(gpu, strategy);
  }
  const GpuGroup* winner = nullptr;
  for (const auto& [name, group] : groups) {
    if (winner == nullptr || std::make_pair(!group.any_full, group.first->index) <
                                 std::make_pair(!winner->any_full, winner->first->index)) {
      winner = &group;
    }
  }
  if (winner == nullptr) return;
  if (groups.size() > 1) {
    spdlog::warn("{} GPU models on this node; nvidia.com/gpu.* labels describe {}",
                 groups.size(), winner->first->name);
  }
  ResourceWriter w(kGpuResource, winner->any_full ? &sharing : nullptr, out);
  w.Base(winner->count, {winner->first->name});
  if (winner->first->memory_total_mib() > 0) {
    w.Set("memory", winner->first->memory_total_mib());
  }
  w.Architecture(*winner->first);
}

struct MigGroup {
  const Gpu* parent = nullptr;
  const MigDevice* first = nullptr;
  uint64_t count = 0;
};

std::map<std::string, MigGroup> GroupMigDevices(const Inventory& inventory) {
  std::map<std::string, MigGroup> groups;
  for (const Gpu& gpu : inventory.gpus) {
    if (!gpu.mig_enabled) continue;
    for (const MigDevice& mig : gpu.mig_devices) {
      MigGroup& group = groups[mig.profile];
      if (group.first == nullptr) group = {&gpu, &mig, 0};
      ++group.count;
    }
  }
  return groups;
}

void MigResourceLabels(const std::string& resource, const MigGroup& group,
                       const Sharing& sharing, LabelMap& out) {
  ResourceWriter w(resource, &sharing, out);
  std::string profile = group.first->profile;
  std::replace(profile.begin(), profile.end(), '+', '.');
  w.Base(group.count, {group.parent->name, "MIG", profile});
  w.MigAttributes(group.first->attributes);
}

// Why `inventory` cannot be labelled under the single strategy, or "".
std::string SingleStrategyProblem(const Inventory& inventory,
                                  const std::map<std::string, MigGroup>& groups) {
  for (const Gpu& gpu : inventory.gpus) {
    if (!gpu.mig_enabled) return "GPU " + std::to_string(gpu.index) + " has MIG disabled";
    if (gpu.mig_devices.empty()) {
      return "GPU " + std::to_string(gpu.index) + " has MIG enabled but no MIG devices";
    }
  }
  if (groups.size() != 1) return "more than one MIG profile on the node";
  return "";
}

void SingleStrategyLabels(const Inventory& inventory, const Sharing& sharing,
                          LabelMap& out) {
  auto first_mig = std::find_if(inventory.gpus.begin(), inventory.gpus.end(),
                                [](const Gpu& gpu) { return gpu.mig_enabled; });
  if (first_mig == inventory.gpus.end()) return;  // same as none
  std::map<std::string, MigGroup> groups = GroupMigDevices(inventory);
  std::string problem = SingleStrategyProblem(inventory, groups);
  if (problem.empty()) {
    MigResourceLabels(kGpuResource, groups.begin()->second, sharing, out);
    return;
  }
  spdlog::warn("invalid MIG layout for mig-strategy=single: {}; labelling "
               "nvidia.com/gpu.product as -MIG-INVALID", problem);
  ResourceWriter w(kGpuResource, nullptr, out);
  w.Set("product", ToLabelValue({first_mig->name, "MIG", "INVALID"}));
  w.Set("count", 0);
  w.Set("replicas", 0);
  w.Set("memory", 0);
  w.Set("sharing-strategy", "");
}

}  // namespace

std::string_view ArchitectureFamily(int major, int minor) {
  switch (major) {
    case 1: return "tesla";
    case 2: return "fermi";
    case 3: return "kepler";
    case 5: return "maxwell";
    case 6: return "pascal";
    case 7: return minor < 5 ? "volta" : "turing";
    case 8: return minor < 9 ? "ampere" : "ada-lovelace";
    case 9: return "hopper";
    case 10:
    case 12: return "blackwell";
    case 13: return "rubin";
    default: return "undefined";
  }
}

std::string MigResourceName(std::string_view profile) {
  std::string name = "nvidia.com/mig-" + std::string(profile);
  std::replace(name.begin(), name.end(), '+', '.');
  return name;
}

LabelMap ResourceLabels(const Inventory& inventory, MigStrategy strategy,
                        const Sharing& sharing) {
  LabelMap out;
  if (inventory.gpus.empty()) return out;
  FullGpuLabels(inventory, strategy, sharing, out);
  if (strategy == MigStrategy::kSingle) SingleStrategyLabels(inventory, sharing, out);
  if (strategy == MigStrategy::kMixed) {
    for (const auto& [profile, group] : GroupMigDevices(inventory)) {
      std::string resource = MigResourceName(profile);
      if (!IsValidLabelKey(resource + ".count")) {
        spdlog::warn("MIG profile \"{}\" gives no valid label key; not labelled", profile);
        continue;
      }
      MigResourceLabels(resource, group, sharing, out);
    }
  }
  return out;
}

}  // namespace gpulet::labels

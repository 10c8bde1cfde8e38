#include "plugin/node_resource_source.h"

#include "allocation/allocator.h"
#include "allocation/preferred_allocator.h"
#include "allocation/topology.h"
#include "absl/strings/match.h"
#include "base/absl_format.h"
#include "plugin/allocator_backend.h"
#include "resources/resource_set.h"
#include "spdlog/spdlog.h"

namespace gpulet::plugin {
namespace {

// nvidia.com/gpu and nvidia.com/gpu.shared; not nvidia.com/mig-*.
constexpr char kWholeGpuResourcePrefix[] = "nvidia.com/gpu";

resources::MigStrategy ToResources(MigStrategy strategy) {
  switch (strategy) {
    case MigStrategy::kNone: return resources::MigStrategy::kNone;
    case MigStrategy::kSingle: return resources::MigStrategy::kSingle;
    case MigStrategy::kMixed: return resources::MigStrategy::kMixed;
  }
  return resources::MigStrategy::kNone;
}

resources::SharingStrategy ToResources(SharingStrategy strategy) {
  switch (strategy) {
    case SharingStrategy::kNone: return resources::SharingStrategy::kNone;
    case SharingStrategy::kTimeSlicing: return resources::SharingStrategy::kTimeSlicing;
    case SharingStrategy::kMps: return resources::SharingStrategy::kMps;
  }
  return resources::SharingStrategy::kNone;
}

resources::DeviceSelector ToSelector(const ReplicatedDevices& devices) {
  resources::DeviceSelector selector;
  if (devices.count.has_value()) {
    selector.kind = resources::DeviceSelector::Kind::kCount;
    selector.count = *devices.count;
  } else if (!devices.all) {
    selector.kind = resources::DeviceSelector::Kind::kList;
    selector.ids = devices.ids;
  }
  return selector;
}

}  // namespace

resources::ResourceOptions ToResourceOptions(const Config& config) {
  resources::ResourceOptions options;
  options.mig_strategy = ToResources(config.mig_strategy);
  const ReplicatedResources& active = config.sharing.Active();
  options.sharing.strategy = ToResources(config.sharing.Strategy());
  options.sharing.rename_by_default = active.rename_by_default;
  options.sharing.fail_requests_greater_than_one = active.fail_requests_greater_than_one;
  for (const ReplicatedResource& r : active.resources) {
    options.sharing.resources.push_back({r.name, r.rename, ToSelector(r.devices), r.replicas});
  }
  return options;
}

allocation::AllocateOptions ToAllocateOptions(const Config& config) {
  allocation::AllocateOptions options;
  options.list_strategies = {false, false, false, false};
  for (DeviceListStrategy s : config.plugin.device_list_strategies) {
    if (s == DeviceListStrategy::kEnvVar) options.list_strategies.envvar = true;
    if (s == DeviceListStrategy::kVolumeMounts) options.list_strategies.volume_mounts = true;
    if (s == DeviceListStrategy::kCdiAnnotations) options.list_strategies.cdi_annotations = true;
    if (s == DeviceListStrategy::kCdiCri) options.list_strategies.cdi_cri = true;
  }
  options.id_strategy = config.plugin.device_id_strategy == DeviceIdStrategy::kIndex
                            ? allocation::DeviceIdStrategy::kIndex
                            : allocation::DeviceIdStrategy::kUuid;
  options.pass_device_specs = config.plugin.pass_device_specs;
  options.gdrcopy_enabled = config.gdrcopy_enabled;
  options.gds_enabled = config.gds_enabled;
  options.mofed_enabled = config.mofed_enabled;
  options.cdi_annotation_prefix = config.plugin.cdi_annotation_prefix;
  options.imex_channel_ids = config.imex.channel_ids;
  options.mps_root = config.mps_root;
  return options;
}

CdiSpecOptions ToCdiSpecOptions(const Config& config) {
  CdiSpecOptions options;
  options.index_names = config.plugin.device_id_strategy == DeviceIdStrategy::kIndex;
  options.hook_path = config.plugin.nvidia_ctk_path;
  options.disabled_hooks = config.plugin.cdi_disable_hooks;
  options.feature_flags = config.plugin.cdi_feature_flags;
  return options;
}

absl::Status NodeResourceSource::ReloadConfig() {
  absl::Status status = LoadNewConfig();
  if (reload_observer_) reload_observer_(config_);
  return status;
}

absl::Status NodeResourceSource::LoadNewConfig() {
  absl::StatusOr<Config> config =
      LoadConfig(override_ != nullptr ? override_->Apply(flags_) : flags_, *env_,
                 ConfigUser::kDevicePlugin);
  if (!config.ok()) return config.status();
  for (const std::string& warning : config->warnings) spdlog::warn("{}", warning);
  config_ = *std::move(config);
  ++generation_;
  return absl::OkStatus();
}

absl::StatusOr<NodeResources> NodeResourceSource::Build() {
  NodeResources out;
  out.config_generation = generation_;
  if (node_ == nullptr) return out;
  absl::StatusOr<std::shared_ptr<const inventory::Inventory>> inventory = node_->Snapshot();
  if (!inventory.ok()) return inventory.status();
  absl::StatusOr<resources::ResourceSets> sets =
      resources::BuildResourceSets(**inventory, ToResourceOptions(config_));
  if (!sets.ok()) return sets.status();
  for (const std::string& warning : resource_warnings_.Fresh(sets->warnings)) {
    spdlog::warn("{}", warning);
  }
  allocation::AllocateOptions allocate = ToAllocateOptions(config_);
  allocate.roots = node_->host().roots();
  std::shared_ptr<const CdiSpecWriter> cdi;
  if (cdi_ != nullptr && allocate.list_strategies.AnyCdi()) {
    absl::StatusOr<bool> written =
        cdi_->Update(node_->host(), **inventory, ToCdiSpecOptions(config_));
    if (!written.ok()) return written.status();
    cdi = cdi_;
  }
  allocation::Topology topology = allocation::Topology::FromInventory(**inventory);
  allocation::SharedAllocationPolicy policy =
      config_.plugin.shared_devices_allocation_policy == AllocationPolicy::kPacked
          ? allocation::SharedAllocationPolicy::kPacked
          : allocation::SharedAllocationPolicy::kDistributed;
  for (const std::shared_ptr<const resources::ResourceSet>& set : sets->sets) {
    std::shared_ptr<const ResourceBackend> backend = std::make_shared<AllocatorBackend>(
        allocation::Allocator(set, allocate, (*inventory)->control_nodes),
        allocation::PreferredAllocator(set, topology, policy), cdi);
    ResourceSpec spec = SpecFromResourceSet(*set, backend);
    if (handoff_.has_value() && absl::StartsWith(spec.name, kWholeGpuResourcePrefix)) {
      std::vector<std::string> ids;
      for (const AdvertisedDevice& device : spec.devices) ids.push_back(device.id);
      spec.backend =
          std::make_shared<HandoffBackend>(spec.name, std::move(backend), ids, *handoff_);
    }
    out.resources.push_back(std::move(spec));
  }
  inventory_ = *std::move(inventory);
  if (observer_) observer_(inventory_);
  return out;
}

}  // namespace gpulet::plugin

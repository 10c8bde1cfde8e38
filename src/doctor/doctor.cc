#include "doctor/doctor.h"

#include <memory>

#include "doctor/cdi_checks.h"
#include "doctor/config_checks.h"
#include "doctor/driver_checks.h"
#include "doctor/gpu_checks.h"
#include "doctor/kubelet_checks.h"
#include "doctor/label_checks.h"
#include "doctor/resource_checks.h"
#include "doctor/runtime_checks.h"
#include "inventory/node_source.h"

namespace gpulet::doctor {
namespace {

// The node as the daemons open it. NodeOptions come from the plugin's
// merged config, or from the flags and environment alone when the config
// does not load, so the driver can still be examined.
struct OpenedNode {
  NodeOptions options;
  absl::StatusOr<hostfs::HostFs> host = absl::UnknownError("not opened");
  absl::Status nvml_status;
  std::optional<inventory::NodeSource> source;
  absl::StatusOr<std::shared_ptr<const inventory::Inventory>> inventory =
      absl::UnknownError("not built");
};

void Open(const DoctorOptions& o, const LoadedConfigs& configs, OpenedNode& node) {
  if (configs.plugin.ok()) {
    node.options = configs.plugin->node;
  } else {
    absl::StatusOr<NodeOptions> resolved = ResolveNodeOptions(o.flags.node, *o.env);
    if (resolved.ok()) node.options = *resolved;
  }
  node.host = inventory::NodeSource::OpenHost(node.options, o.host);
  if (!node.host.ok()) return;
  absl::StatusOr<inventory::NodeSource> source = inventory::NodeSource::Open(node.options, o.host);
  node.nvml_status = source.status();
  if (!source.ok()) return;
  node.source.emplace(*std::move(source));
  node.inventory = node.source->Snapshot();
}

std::vector<std::string> ResourceNames(const absl::StatusOr<resources::ResourceSets>& sets) {
  std::vector<std::string> names;
  if (!sets.ok()) return names;
  for (const auto& set : sets->sets) names.push_back(set->name().ToString());
  return names;
}

// The sections that need an inventory, but for the allocation (last).
void CheckNodeGpus(const DoctorOptions& o, const LoadedConfigs& configs, const OpenedNode& node,
                   DoctorReport& report, std::vector<std::string>& resource_names) {
  const inventory::Inventory& inv = **node.inventory;
  CheckGpus(inv, report);
  if (configs.plugin.ok()) {
    resource_names = ResourceNames(CheckResources(inv, *configs.plugin, report));
  }
  CheckCdi({&*node.host, &inv, configs.plugin.ok() ? &*configs.plugin : nullptr, o.cdi_spec_dir,
            o.extras},
           report);
}

}  // namespace

DoctorReport Diagnose(const DoctorOptions& o) {
  DoctorReport report;
  LoadedConfigs configs = LoadConfigs(o.flags, *o.env);
  OpenedNode node;
  Open(o, configs, node);
  const inventory::Inventory* inv = node.inventory.ok() ? node.inventory->get() : nullptr;
  CheckDriver({node.options, &node.host, node.nvml_status,
               node.source.has_value() ? &*node.source : nullptr, inv,
               node.inventory.status()},
              report);
  CheckConfig(configs, report);
  std::vector<std::string> resource_names;
  if (inv != nullptr) CheckNodeGpus(o, configs, node, report, resource_names);
  const hostfs::HostView& view = node.host.ok() ? node.host->view() : o.host;
  if (configs.gfd.ok()) {
    std::shared_ptr<const inventory::Inventory> snapshot = inv != nullptr ? *node.inventory : nullptr;
    absl::StatusOr<labels::LabelMap> labels = CheckLabels(snapshot, *configs.gfd, view, report);
    CheckNfd(*configs.gfd, labels.ok() ? &*labels : nullptr, view, o.now, report);
  }
  CheckKubelet(o.kubelet_socket, resource_names, view, report);
  CheckRuntimes({o.containerd_config, o.crio_config, o.cdi_spec_dir,
                 configs.plugin.ok() && NeedsRuntimeCdi(*configs.plugin)},
                view, report);
  if (inv != nullptr && o.allocate.has_value() && configs.plugin.ok()) {
    PreviewAllocation(*node.source, o.flags, *o.env, *configs.plugin, *o.allocate, report);
  }
  return report;
}

}  // namespace gpulet::doctor

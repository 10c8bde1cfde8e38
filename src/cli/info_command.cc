#include "cli/info_command.h"

#include <iostream>
#include <memory>

#include "cli/node_flags.h"
#include "cli/text_table.h"
#include "config/node_options.h"
#include "inventory/inventory_json.h"
#include "inventory/node_source.h"

namespace gpulet::cli {
namespace {

using inventory::DeviceNodeRef;
using inventory::Gpu;
using inventory::Inventory;

std::string MigState(const Gpu& gpu) {
  if (!gpu.mig_capable) return "n/a";
  std::string state = gpu.mig_enabled ? "enabled" : "disabled";
  if (gpu.mig_pending != gpu.mig_enabled) {
    state += gpu.mig_pending ? " (enable pending)" : " (disable pending)";
  }
  return state;
}

std::string NodeList(const std::vector<DeviceNodeRef>& refs) {
  std::string out;
  for (const DeviceNodeRef& ref : refs) {
    if (!out.empty()) out += ",";
    out += ref.found() ? ref.node->host_path : "/dev/" + ref.name + " (missing)";
  }
  return out.empty() ? "-" : out;
}

std::string Mib(uint64_t mib) { return std::to_string(mib) + " MiB"; }

std::string Summary(const Inventory& inventory) {
  std::string out = "Driver " + inventory.driver_version;
  if (inventory.cuda_driver_version > 0) {
    out += ", CUDA " + inventory.CudaDriverVersionString();
  }
  out += ", " + std::to_string(inventory.gpus.size()) +
         (inventory.gpus.size() == 1 ? " GPU\n" : " GPUs\n");
  return out;
}

std::string ControlNodes(const Inventory& inventory) {
  std::string out = "Control device nodes:";
  for (const hostfs::DeviceNode& node : inventory.control_nodes) {
    out += " " + node.host_path;
  }
  if (inventory.control_nodes.empty()) out += " none found";
  return out + "\n";
}

int RunInfo(const Environment& environment, const NodeFlags& flags, bool json) {
  absl::StatusOr<NodeOptions> options = ResolveNodeOptions(flags, environment);
  if (!options.ok()) {
    std::cerr << "gpulet info: " << options.status().message() << "\n";
    return 2;
  }
  absl::StatusOr<inventory::NodeSource> source =
      inventory::NodeSource::Open(*options);
  if (!source.ok()) {
    std::cerr << "gpulet info: " << source.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<std::shared_ptr<const Inventory>> snapshot = source->Snapshot();
  if (!snapshot.ok()) {
    std::cerr << "gpulet info: " << snapshot.status().message() << "\n";
    return 1;
  }
  if (json) {
    std::cout << inventory::InventoryToJson(**snapshot).dump(2) << "\n";
  } else {
    std::cout << RenderInfoText(**snapshot);
  }
  return 0;
}

}  // namespace

std::string RenderInfoText(const Inventory& inventory) {
  TextTable gpus({"IDX", "UUID", "NAME", "MEMORY", "MIG", "NUMA", "BUS ID",
                  "DEVICE NODES"});
  std::string problems;
  for (const Gpu& gpu : inventory.gpus) {
    gpus.AddRow({std::to_string(gpu.index), gpu.uuid, gpu.name,
                 Mib(gpu.memory_total_mib()), MigState(gpu),
                 gpu.numa_node.has_value() ? std::to_string(*gpu.numa_node) : "-",
                 gpu.pci_bus_id, NodeList(gpu.device_nodes)});
    for (const inventory::MigDevice& mig : gpu.mig_devices) {
      gpus.AddRow({"  " + std::to_string(gpu.index) + ":" + std::to_string(mig.index),
                   mig.uuid, mig.profile, Mib(mig.attributes.memory_mib),
                   "gi " + std::to_string(mig.gpu_instance_id) + " ci " +
                       std::to_string(mig.compute_instance_id),
                   "", "", NodeList(mig.device_nodes)});
    }
    if (!gpu.problem.empty()) {
      problems += "GPU " + std::to_string(gpu.index) + ": " + gpu.problem + "\n";
    }
  }
  return Summary(inventory) + gpus.Render() + ControlNodes(inventory) + problems;
}

void AddInfoCommand(CLI::App& app, const CommandContext& context,
                    CommandRunner& runner) {
  CLI::App* info = app.add_subcommand(
      "info", "print the node's GPUs, MIG devices and device nodes");
  // Owned by the runner so they outlive parsing.
  auto flags = std::make_shared<NodeFlagSet>(*info);
  auto json = std::make_shared<bool>(false);
  info->add_flag("--json", *json, "print JSON instead of a table");
  const Environment* environment = context.environment;
  info->callback([&runner, flags, json, environment] {
    runner = [flags, json, environment] {
      return RunInfo(*environment, flags->Parsed(), *json);
    };
  });
}

}  // namespace gpulet::cli

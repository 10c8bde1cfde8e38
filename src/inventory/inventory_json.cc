#include "inventory/inventory_json.h"

#include <string>

namespace gpulet::inventory {
namespace {

using Json = nlohmann::ordered_json;

// Host paths of the nodes found, and the names of those that were not.
void AddDeviceNodes(const std::vector<DeviceNodeRef>& refs, Json& out) {
  Json found = Json::array();
  Json missing = Json::array();
  for (const DeviceNodeRef& ref : refs) {
    if (ref.found()) {
      found.push_back(ref.node->host_path);
    } else {
      missing.push_back(ref.name);
    }
  }
  out["device_nodes"] = std::move(found);
  out["missing_device_nodes"] = std::move(missing);
}

Json MigDeviceToJson(const MigDevice& mig) {
  Json out;
  out["index"] = mig.index;
  out["uuid"] = mig.uuid;
  out["profile"] = mig.profile;
  out["gpu_instance_id"] = mig.gpu_instance_id;
  out["compute_instance_id"] = mig.compute_instance_id;
  out["memory_mib"] = mig.attributes.memory_mib;
  out["multiprocessors"] = mig.attributes.multiprocessor_count;
  out["gpu_instance_slices"] = mig.attributes.gpu_instance_slice_count;
  out["compute_instance_slices"] = mig.attributes.compute_instance_slice_count;
  AddDeviceNodes(mig.device_nodes, out);
  return out;
}

Json GpuToJson(const Gpu& gpu) {
  Json out;
  out["index"] = gpu.index;
  out["uuid"] = gpu.uuid;
  out["name"] = gpu.name;
  out["memory_mib"] = gpu.memory_total_mib();
  out["pci_bus_id"] = gpu.pci_bus_id;
  out["numa_node"] = gpu.numa_node.has_value() ? Json(*gpu.numa_node) : Json();
  out["minor"] = gpu.minor;
  out["compute_capability"] = std::to_string(gpu.compute_capability.major) +
                              "." + std::to_string(gpu.compute_capability.minor);
  out["architecture"] = gpu.architecture;
  out["brand"] = gpu.brand;
  out["serial"] = gpu.serial;
  out["mig"] = Json{{"capable", gpu.mig_capable},
                    {"enabled", gpu.mig_enabled},
                    {"pending", gpu.mig_pending}};
  Json migs = Json::array();
  for (const MigDevice& mig : gpu.mig_devices) migs.push_back(MigDeviceToJson(mig));
  out["mig_devices"] = std::move(migs);
  Json links = Json::array();
  for (const NvLink& link : gpu.nvlinks) {
    links.push_back(Json{{"link", link.link},
                         {"remote_pci_bus_id", link.remote_bus_id},
                         {"remote_gpu", link.remote_gpu.has_value()
                                            ? Json(*link.remote_gpu)
                                            : Json()}});
  }
  out["nvlinks"] = std::move(links);
  AddDeviceNodes(gpu.device_nodes, out);
  out["problem"] = gpu.problem.empty() ? Json() : Json(gpu.problem);
  return out;
}

}  // namespace

nlohmann::ordered_json InventoryToJson(const Inventory& inventory) {
  Json out;
  out["driver_version"] = inventory.driver_version;
  out["cuda_driver_version"] = inventory.CudaDriverVersionString();
  out["nvml_version"] = inventory.nvml_version;
  Json control = Json::array();
  for (const hostfs::DeviceNode& node : inventory.control_nodes) {
    control.push_back(node.host_path);
  }
  out["control_device_nodes"] = std::move(control);
  Json gpus = Json::array();
  for (const Gpu& gpu : inventory.gpus) gpus.push_back(GpuToJson(gpu));
  out["gpus"] = std::move(gpus);
  return out;
}

}  // namespace gpulet::inventory

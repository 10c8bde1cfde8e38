// The JSON form of an Inventory, as `gpulet info --json` prints it.
//
// Keys come in a fixed order and lists in index order, so the output of two
// runs on the same machine is byte-identical and can be diffed. Shape:
//   {"driver_version": "550.54.15", "cuda_driver_version": "12.4",
//    "nvml_version": "...", "control_device_nodes": ["/dev/nvidiactl", ...],
//    "gpus": [{"index": 0, "uuid": "GPU-...", "name": "...",
//              "memory_mib": 81559, "pci_bus_id": "00000000:18:00.0",
//              "numa_node": 0, "minor": 0, "compute_capability": "9.0",
//              "architecture": "hopper", "brand": "NVIDIA",
//              "mig": {"capable": true, "enabled": false, "pending": false},
//              "mig_devices": [{"index": 0, "uuid": "MIG-...",
//                               "profile": "1g.10gb", "gpu_instance_id": 9,
//                               "compute_instance_id": 0, "memory_mib": 9856,
//                               "multiprocessors": 16, "device_nodes": [...]}],
//              "nvlinks": [...], "device_nodes": ["/dev/nvidia0"],
//              "missing_device_nodes": [], "problem": null}]}
//
// Thread-safe: a pure function.
#ifndef GPULET_INVENTORY_INVENTORY_JSON_H_
#define GPULET_INVENTORY_INVENTORY_JSON_H_

#include "inventory/inventory.h"
#include "nlohmann/json.hpp"

namespace gpulet::inventory {

nlohmann::ordered_json InventoryToJson(const Inventory& inventory);

}  // namespace gpulet::inventory

#endif  // GPULET_INVENTORY_INVENTORY_JSON_H_

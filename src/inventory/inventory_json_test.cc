#include "inventory/inventory_json.h"

#include "gtest/gtest.h"

namespace gpulet::inventory {
namespace {

Inventory SmallInventory() {
  Inventory inventory;
  inventory.driver_version = "550.54.15";
  inventory.cuda_driver_version = 12040;
  inventory.nvml_version = "12.550.54.15";
  inventory.control_nodes.push_back(
      hostfs::DeviceNode{"nvidiactl", "/dev/nvidiactl", "/dev/nvidiactl", {}});
  Gpu gpu;
  gpu.index = 0;
  gpu.uuid = "GPU-1";
  gpu.name = "NVIDIA A100-SXM4-40GB";
  gpu.minor = 0;
  gpu.pci_bus_id = "00000000:07:00.0";
  gpu.numa_node = 1;
  gpu.memory_total_bytes = uint64_t{40960} << 20;
  gpu.compute_capability = {8, 0};
  gpu.architecture = "ampere";
  gpu.brand = "NVIDIA";
  gpu.mig_capable = gpu.mig_enabled = gpu.mig_pending = true;
  MigDevice mig;
  mig.index = 0;
  mig.uuid = "MIG-1";
  mig.gpu_instance_id = 7;
  mig.compute_instance_id = 0;
  mig.profile = "1g.5gb";
  mig.attributes.memory_mib = 4864;
  mig.attributes.multiprocessor_count = 14;
  mig.attributes.gpu_instance_slice_count = 1;
  mig.attributes.compute_instance_slice_count = 1;
  mig.device_nodes.push_back(DeviceNodeRef{"gpu0/gi7/access", std::nullopt});
  gpu.mig_devices.push_back(mig);
  gpu.device_nodes.push_back(DeviceNodeRef{
      "nvidia0", hostfs::DeviceNode{"nvidia0", "/dev/nvidia0", "/dev/nvidia0", {}}});
  inventory.gpus.push_back(gpu);
  return inventory;
}

TEST(InventoryJsonTest, StableShapeAndKeyOrder) {
  EXPECT_EQ(InventoryToJson(SmallInventory()).dump(),
            R"({"driver_version":"550.54.15","cuda_driver_version":"12.4",)"
            R"("nvml_version":"12.550.54.15","control_device_nodes":["/dev/nvidiactl"],)"
            R"("gpus":[{"index":0,"uuid":"GPU-1","name":"NVIDIA A100-SXM4-40GB",)"
            R"("memory_mib":40960,"pci_bus_id":"00000000:07:00.0","numa_node":1,)"
            R"("minor":0,"compute_capability":"8.0","architecture":"ampere",)"
            R"("brand":"NVIDIA","serial":"","mig":{"capable":true,"enabled":true,)"
            R"("pending":true},"mig_devices":[{"index":0,"uuid":"MIG-1",)"
            R"("profile":"1g.5gb","gpu_instance_id":7,"compute_instance_id":0,)"
            R"("memory_mib":4864,"multiprocessors":14,"gpu_instance_slices":1,)"
            R"("compute_instance_slices":1,"device_nodes":[],)"
            R"("missing_device_nodes":["gpu0/gi7/access"]}],"nvlinks":[],)"
            R"("device_nodes":["/dev/nvidia0"],"missing_device_nodes":[],"problem":null}]})");
}

TEST(InventoryJsonTest, EmptyInventory) {
  EXPECT_EQ(InventoryToJson(Inventory{}).dump(),
            R"({"driver_version":"","cuda_driver_version":"","nvml_version":"",)"
            R"("control_device_nodes":[],"gpus":[]})");
}

}  // namespace
}  // namespace gpulet::inventory

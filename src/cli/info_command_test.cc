#include "cli/info_command.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::cli {
namespace {

using ::testing::HasSubstr;

inventory::Inventory TwoGpus() {
  inventory::Inventory inventory;
  inventory.driver_version = "550.54.15";
  inventory.cuda_driver_version = 12040;
  inventory::Gpu a100;
  a100.index = 0;
  a100.uuid = "GPU-a";
  a100.name = "NVIDIA A100-SXM4-40GB";
  a100.memory_total_bytes = uint64_t{40960} << 20;
  a100.pci_bus_id = "00000000:07:00.0";
  a100.numa_node = 0;
  a100.mig_capable = true;
  a100.mig_enabled = true;
  a100.mig_pending = false;
  inventory::MigDevice mig;
  mig.index = 2;
  mig.uuid = "MIG-a";
  mig.profile = "3g.20gb";
  mig.gpu_instance_id = 1;
  mig.attributes.memory_mib = 19968;
  mig.device_nodes.push_back({"nvidia-caps/nvidia-cap21", std::nullopt});
  a100.mig_devices.push_back(mig);
  a100.device_nodes.push_back({"nvidia0", std::nullopt});
  inventory.gpus.push_back(a100);
  inventory::Gpu lost;
  lost.index = 1;
  lost.problem = "nvmlDeviceGetUUID on GPU 1: GPU is lost (NVML_ERROR_GPU_IS_LOST)";
  inventory.gpus.push_back(lost);
  return inventory;
}

TEST(RenderInfoTextTest, SummaryRowsAndProblems) {
  std::string text = RenderInfoText(TwoGpus());
  EXPECT_THAT(text, ::testing::StartsWith("Driver 550.54.15, CUDA 12.4, 2 GPUs\n"));
  EXPECT_THAT(text, HasSubstr("GPU-a  NVIDIA A100-SXM4-40GB  40960 MiB  enabled"));
  EXPECT_THAT(text, HasSubstr("  0:2  MIG-a  3g.20gb"));
  EXPECT_THAT(text, HasSubstr("/dev/nvidia-caps/nvidia-cap21 (missing)"));
  EXPECT_THAT(text, HasSubstr("/dev/nvidia0 (missing)"));
  EXPECT_THAT(text, HasSubstr("Control device nodes: none found\n"));
  EXPECT_THAT(text, HasSubstr("GPU 1: nvmlDeviceGetUUID on GPU 1: GPU is lost"));
}

TEST(RenderInfoTextTest, PendingMigChangeIsShown) {
  inventory::Inventory inventory = TwoGpus();
  inventory.gpus[0].mig_pending = false;
  inventory.gpus[0].mig_enabled = false;
  inventory.gpus[0].mig_pending = true;
  EXPECT_THAT(RenderInfoText(inventory), HasSubstr("disabled (enable pending)"));
  inventory.gpus[0].mig_capable = false;
  EXPECT_THAT(RenderInfoText(inventory), HasSubstr("  n/a  "));
}

}  // namespace
}  // namespace gpulet::cli

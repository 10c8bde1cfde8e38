// The compute process lists of the mock NVML (placed there with the
// `process` control command) through NvmlDevice::ComputeProcesses and
// GpuMemoryByProcess.
#include "nvml/process_memory.h"

#include "base/status_matchers.h"
#include "gtest/gtest.h"
#include "nvml/nvml_device.h"
#include "nvml/testing/mock_nvml_test_base.h"

namespace gpulet::nvml {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr uint64_t kMiB = 1024 * 1024;

class ProcessMemoryTest : public nvml::testing::MockNvmlTest {};

TEST_F(ProcessMemoryTest, AGpuListsItsProcessesWithTheirMemory) {
  Open("dgx-h100");
  ASSERT_OK_AND_ASSIGN(NvmlDevice gpu, NvmlDevice::ByIndex(library_, 0));
  ASSERT_OK_AND_ASSIGN(std::vector<ProcessInfo> none, gpu.ComputeProcesses());
  EXPECT_TRUE(none.empty());
  Control("process 0 100 512");
  Control("process 0 200 1024");
  ASSERT_OK_AND_ASSIGN(std::vector<ProcessInfo> two, gpu.ComputeProcesses());
  EXPECT_THAT(two, ElementsAre(ProcessInfo{100, 512 * kMiB}, ProcessInfo{200, 1024 * kMiB}));
  Control("process 0 100 0");  // it released its context
  ASSERT_OK_AND_ASSIGN(std::vector<ProcessInfo> one, gpu.ComputeProcesses());
  EXPECT_THAT(one, ElementsAre(ProcessInfo{200, 1024 * kMiB}));
}

TEST_F(ProcessMemoryTest, AProcessOnSeveralGpusHoldsTheSum) {
  Open("dgx-h100");
  Control("process 0 100 512");
  Control("process " + profile_.gpus[3].uuid + " 100 256");
  Control("process 1 300 64");
  ASSERT_OK_AND_ASSIGN(GpuMemoryReport report, GpuMemoryByProcess(library_));
  EXPECT_TRUE(report.unreadable.empty());
  ASSERT_EQ(report.by_pid.size(), 2u);
  EXPECT_EQ(report.by_pid[100].used_bytes, 768 * kMiB);
  EXPECT_EQ(report.by_pid[100].devices, 2);
  EXPECT_EQ(report.by_pid[300].used_bytes, 64 * kMiB);
}

TEST_F(ProcessMemoryTest, AMigDeviceListsOnlyItsOwnAndItsGpuCountsOnce) {
  Open("dgx-a100-mig");
  int gpu_index = -1;
  for (size_t i = 0; i < profile_.gpus.size() && gpu_index < 0; ++i) {
    if (profile_.gpus[i].mig.devices.size() >= 2) gpu_index = static_cast<int>(i);
  }
  ASSERT_GE(gpu_index, 0);
  const auto& migs = profile_.gpus[gpu_index].mig.devices;
  Control("process " + migs[0].uuid + " 100 128");
  Control("process " + migs[1].uuid + " 200 256");
  ASSERT_OK_AND_ASSIGN(NvmlDevice gpu, NvmlDevice::ByIndex(library_, gpu_index));
  ASSERT_OK_AND_ASSIGN(NvmlDevice first, gpu.MigDeviceByIndex(0));
  ASSERT_OK_AND_ASSIGN(std::vector<ProcessInfo> on_first, first.ComputeProcesses());
  EXPECT_THAT(on_first, ElementsAre(ProcessInfo{100, 128 * kMiB}));
  ASSERT_OK_AND_ASSIGN(std::vector<ProcessInfo> on_gpu, gpu.ComputeProcesses());
  EXPECT_EQ(on_gpu.size(), 2u);
  ASSERT_OK_AND_ASSIGN(GpuMemoryReport report, GpuMemoryByProcess(library_));
  EXPECT_EQ(report.by_pid[100].used_bytes, 128 * kMiB);
  EXPECT_EQ(report.by_pid[100].devices, 1);
  EXPECT_EQ(report.by_pid[200].used_bytes, 256 * kMiB);
}

TEST_F(ProcessMemoryTest, ALostGpuIsNamedAndTheOthersStillCount) {
  Open("dgx-h100");
  Control("process 1 100 512");
  Control("process 2 200 64");
  Control("lost 1");
  ASSERT_OK_AND_ASSIGN(GpuMemoryReport report, GpuMemoryByProcess(library_));
  ASSERT_EQ(report.unreadable.size(), 1u);
  EXPECT_THAT(report.unreadable[0], HasSubstr("GPU 1: "));
  EXPECT_FALSE(report.by_pid.contains(100));
  EXPECT_EQ(report.by_pid[200].used_bytes, 64 * kMiB);
}

}  // namespace
}  // namespace gpulet::nvml

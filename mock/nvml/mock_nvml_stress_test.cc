// Concurrency stress: threads query devices while one waits on events,
// another injects faults through the control file and a third reloads the
// profile. Run under ThreadSanitizer in CI (label "concurrency").
#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "mock/nvml/mock_test_files.h"
#include "mock/nvml/nvml_mock_loader.h"

namespace gpulet::mock {
namespace {

constexpr int kInjections = 200;

// Any answer but a crash or a race is fine while faults fly; the ones that
// must never appear are listed.
bool Plausible(nvmlReturn_t r) {
  return r == NVML_SUCCESS || r == NVML_ERROR_GPU_IS_LOST ||
         r == NVML_ERROR_INVALID_ARGUMENT || r == NVML_ERROR_NOT_FOUND ||
         r == NVML_ERROR_NOT_SUPPORTED;
}

void QueryAll(NvmlMockLoader& nvml, std::atomic<bool>& stop,
              std::atomic<int>& bad) {
  while (!stop.load()) {
    unsigned int count = 0;
    if (nvml.nvmlDeviceGetCount_v2(&count) != NVML_SUCCESS) ++bad;
    for (unsigned int i = 0; i < count; ++i) {
      nvmlDevice_t d = nullptr;
      nvmlReturn_t r = nvml.nvmlDeviceGetHandleByIndex_v2(i, &d);
      if (r != NVML_SUCCESS) {
        if (!Plausible(r)) ++bad;
        continue;
      }
      char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
      nvmlMemory_t mem{};
      unsigned int mig_count = 0;
      if (!Plausible(nvml.nvmlDeviceGetName(d, name, sizeof(name)))) ++bad;
      if (!Plausible(nvml.nvmlDeviceGetMemoryInfo(d, &mem))) ++bad;
      if (!Plausible(nvml.nvmlDeviceGetMaxMigDeviceCount(d, &mig_count))) ++bad;
      for (unsigned int m = 0; m < mig_count; ++m) {
        nvmlDevice_t mig = nullptr;
        if (nvml.nvmlDeviceGetMigDeviceHandleByIndex(d, m, &mig) ==
            NVML_SUCCESS) {
          nvmlDeviceAttributes_t a{};
          if (!Plausible(nvml.nvmlDeviceGetAttributes_v2(mig, &a))) ++bad;
        }
      }
    }
  }
}

TEST(MockNvmlStress, QueriesEventsAndInjectionsConcurrently) {
  const std::string control = TempPathForTest("control");
  setenv("GPULET_MOCK_MACHINE", "dgx-a100-mig", 1);
  setenv("GPULET_MOCK_CONTROL", control.c_str(), 1);
  NvmlMockLoader nvml;
  ASSERT_EQ(nvml.nvmlInit_v2(), NVML_SUCCESS);
  nvmlEventSet_t set = nullptr;
  ASSERT_EQ(nvml.nvmlEventSetCreate(&set), NVML_SUCCESS);
  for (unsigned int i = 0; i < 8; ++i) {
    nvmlDevice_t d = nullptr;
    ASSERT_EQ(nvml.nvmlDeviceGetHandleByIndex_v2(i, &d), NVML_SUCCESS);
    ASSERT_EQ(nvml.nvmlDeviceRegisterEvents(
                  d, nvmlEventTypeXidCriticalError | nvmlEventMigConfigChange,
                  set),
              NVML_SUCCESS);
  }
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::atomic<int> received{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] { QueryAll(nvml, stop, bad); });
  }
  threads.emplace_back([&] {
    while (!stop.load()) {
      nvmlEventData_t e{};
      nvmlReturn_t r = nvml.nvmlEventSetWait_v2(set, &e, 20);
      if (r == NVML_SUCCESS) {
        ++received;
      } else if (r != NVML_ERROR_TIMEOUT) {
        ++bad;
      }
    }
  });
  for (int i = 0; i < kInjections; ++i) {
    AppendControl(control, "xid " + std::to_string(i % 8) + " 48");
    if (i % 20 == 0) AppendControl(control, "lost 2");
    if (i % 20 == 10) AppendControl(control, "restore 2");
    if (i % 50 == 25) AppendControl(control, "reload");
  }
  while (received.load() < kInjections) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GE(received.load(), kInjections);
  EXPECT_EQ(nvml.nvmlEventSetFree(set), NVML_SUCCESS);
  EXPECT_EQ(nvml.nvmlShutdown(), NVML_SUCCESS);
}

}  // namespace
}  // namespace gpulet::mock

// MockNvmlTest: a test fixture that opens the mock libnvidia-ml.so.1 on a
// shipped machine profile, with a control file of its own for injecting
// faults (mock/README.md), removed after the test.
//
// Test-only; not thread-safe (it sets the process's environment).
#ifndef GPULET_NVML_TESTING_MOCK_NVML_TEST_BASE_H_
#define GPULET_NVML_TESTING_MOCK_NVML_TEST_BASE_H_

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "base/status_matchers.h"
#include "gtest/gtest.h"
#include "mock/nvml/machine_profile.h"
#include "nvml/nvml_library.h"

namespace gpulet::nvml::testing {

class MockNvmlTest : public ::testing::Test {
 protected:
  // Loads the mock as `machine` (a shipped profile name).
  void Open(const std::string& machine) {
    control_ = std::filesystem::temp_directory_path() /
               ("gpulet-nvml-control-" + std::to_string(getpid()));
    std::filesystem::remove(control_);
    ASSERT_EQ(setenv("GPULET_MOCK_CONTROL", control_.c_str(), 1), 0);
    ASSERT_EQ(setenv("GPULET_MOCK_MACHINE", machine.c_str(), 1), 0);
    ASSERT_OK_AND_ASSIGN(profile_, mock::LoadMachineProfile(machine));
    ASSERT_OK_AND_ASSIGN(library_, NvmlLibrary::Open(GPULET_MOCK_NVML_PATH));
  }
  void TearDown() override { std::filesystem::remove(control_); }

  // Appends a control command (e.g. "lost 1").
  void Control(const std::string& line) {
    std::ofstream(control_, std::ios::app) << line << "\n";
  }

  std::filesystem::path control_;
  mock::MachineProfile profile_;
  std::shared_ptr<const NvmlLibrary> library_;
};

}  // namespace gpulet::nvml::testing

#endif  // GPULET_NVML_TESTING_MOCK_NVML_TEST_BASE_H_

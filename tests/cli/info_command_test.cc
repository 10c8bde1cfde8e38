// `gpulet info` as an operator runs it: the real binary, on the mock NVML
// library for every shipped profile, and on a machine without a driver.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include "base/status_matchers.h"
#include "gtest/gtest.h"
#include "mock/nvml/machine_profile.h"
#include "nlohmann/json.hpp"

namespace gpulet {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct GpuletRun {
  int exit_code = -1;
  std::string stdout_text;
};

// Runs `gpulet <args>` through the shell with `env` prepended; stderr is
// folded into stdout when `merge_stderr`.
GpuletRun RunGpulet(const std::string& env, const std::string& args,
              bool merge_stderr = false) {
  std::string command = env + " " + GPULET_BINARY + " " + args +
                        (merge_stderr ? " 2>&1" : " 2>/dev/null");
  GpuletRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    run.stdout_text.append(buffer.data(), n);
  }
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string MockEnv(const std::string& machine) {
  return "env -u GPULET_MOCK_CONTROL GPULET_MOCK_MACHINE=" + machine;
}

class InfoCommandTest : public ::testing::TestWithParam<std::string> {};

TEST_P(InfoCommandTest, JsonMatchesTheProfile) {
  ASSERT_OK_AND_ASSIGN(mock::MachineProfile profile,
                       mock::LoadMachineProfile(GetParam()));
  GpuletRun run = RunGpulet(MockEnv(GetParam()),
                      std::string("info --json --nvml-library ") + GPULET_MOCK_NVML_PATH);
  ASSERT_EQ(run.exit_code, 0) << run.stdout_text;
  nlohmann::json json = nlohmann::json::parse(run.stdout_text);
  EXPECT_EQ(json["driver_version"], profile.driver_version);
  EXPECT_EQ(json["cuda_driver_version"],
            std::to_string(profile.cuda_driver_version / 1000) + "." +
                std::to_string(profile.cuda_driver_version % 1000 / 10));
  ASSERT_EQ(json["gpus"].size(), profile.gpus.size());
  for (size_t i = 0; i < profile.gpus.size(); ++i) {
    const nlohmann::json& gpu = json["gpus"][i];
    const mock::GpuProfile& want = profile.gpus[i];
    EXPECT_EQ(gpu["index"], i);
    EXPECT_EQ(gpu["uuid"], want.uuid);
    EXPECT_EQ(gpu["name"], want.name);
    EXPECT_EQ(gpu["memory_mib"], want.memory.total >> 20);
    EXPECT_EQ(gpu["pci_bus_id"], want.pci.bus_id);
    EXPECT_EQ(gpu["minor"], want.minor);
    EXPECT_EQ(gpu["mig"]["enabled"], want.mig.current_enabled);
    ASSERT_EQ(gpu["mig_devices"].size(), want.mig.devices.size());
    for (size_t m = 0; m < want.mig.devices.size(); ++m) {
      EXPECT_EQ(gpu["mig_devices"][m]["uuid"], want.mig.devices[m].uuid);
      EXPECT_EQ(gpu["mig_devices"][m]["gpu_instance_id"],
                want.mig.devices[m].gpu_instance_id);
    }
  }
}

TEST_P(InfoCommandTest, TableListsEveryGpuAndMigDevice) {
  ASSERT_OK_AND_ASSIGN(mock::MachineProfile profile,
                       mock::LoadMachineProfile(GetParam()));
  GpuletRun run = RunGpulet(MockEnv(GetParam()),
                      std::string("info --nvml-library ") + GPULET_MOCK_NVML_PATH);
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_THAT(run.stdout_text, StartsWith("Driver " + profile.driver_version));
  EXPECT_THAT(run.stdout_text, HasSubstr("IDX  "));
  for (const mock::GpuProfile& gpu : profile.gpus) {
    EXPECT_THAT(run.stdout_text, HasSubstr(gpu.uuid));
    EXPECT_THAT(run.stdout_text, HasSubstr(gpu.pci.bus_id));
    for (const mock::MigDeviceProfile& mig : gpu.mig.devices) {
      EXPECT_THAT(run.stdout_text, HasSubstr(mig.uuid));
    }
  }
}

TEST_P(InfoCommandTest, OutputIsDeterministic) {
  std::string args = std::string("info --json --nvml-library ") + GPULET_MOCK_NVML_PATH;
  GpuletRun first = RunGpulet(MockEnv(GetParam()), args);
  GpuletRun second = RunGpulet(MockEnv(GetParam()), args);
  ASSERT_EQ(first.exit_code, 0);
  EXPECT_EQ(first.stdout_text, second.stdout_text);
}

INSTANTIATE_TEST_SUITE_P(ShippedProfiles, InfoCommandTest,
                         ::testing::ValuesIn(mock::ShippedMachineProfileNames()),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(InfoCommandNoDriverTest, OneLineWithTheHintAndExitOne) {
  GpuletRun run = RunGpulet("env -u GPULET_NVML_LIBRARY LD_LIBRARY_PATH=/nonexistent",
                      "info --nvml-library /nonexistent/libnvidia-ml.so.1", true);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.stdout_text, StartsWith("gpulet info: "));
  EXPECT_THAT(run.stdout_text, HasSubstr("--nvml-library"));
  EXPECT_EQ(std::count(run.stdout_text.begin(), run.stdout_text.end(), '\n'), 1)
      << run.stdout_text;
}

TEST(InfoCommandNoDriverTest, EnvironmentNamesTheLibraryToo) {
  GpuletRun run = RunGpulet(MockEnv("t4") + " GPULET_NVML_LIBRARY=" + GPULET_MOCK_NVML_PATH,
                      "info --json");
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(run.stdout_text)["gpus"].size(), 1u);
}

TEST(InfoCommandNoDriverTest, BadRootIsAUsageError) {
  GpuletRun run = RunGpulet("env NVIDIA_DRIVER_ROOT=relative/root",
                      "info --nvml-library /nonexistent.so", true);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.stdout_text, HasSubstr("NVIDIA_DRIVER_ROOT"));
}

}  // namespace
}  // namespace gpulet

// `gpulet doctor` as an operator runs it: the real binary on the DGX H100
// mock with a fake driver root — healthy, with a GPU fallen off the bus,
// without a driver, with a bad config — in text and JSON, and the
// allocation the kubelet would receive.
#include <filesystem>
#include <fstream>

#include "fake_driver_root.h"
#include "gmock/gmock.h"
#include "gpulet_run.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace gpulet::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class DoctorE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    control_ = driver_.path() + "/mock-control";
    std::ofstream(control_) << "";
  }

  // `gpulet doctor <args>` on the mock machine, with nothing of the node
  // (kubelet, runtime, NFD) at its default paths but the fake driver root.
  GpuletRun Doctor(const std::string& args, const std::string& machine = "dgx-h100") {
    return RunGpulet("GPULET_MOCK_MACHINE=" + machine + " GPULET_MOCK_CONTROL=" + control_ +
                         " GPULET_LOG_LEVEL=error",
                     std::string("doctor --nvml-library ") + GPULET_MOCK_NVML_PATH +
                         " --driver-root " + driver_.path() + " --kubelet-socket " +
                         driver_.path() + "/kubelet/device-plugins/kubelet.sock " + args);
  }

  FakeDriverRoot driver_{"550.54.15", 8};
  std::string control_;
};

TEST_F(DoctorE2eTest, HealthyNodeExitsZeroWithTicks) {
  GpuletRun run = Doctor("");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("  ✓ driver 550.54.15, NVML 12.550.54.15, CUDA 12.4\n"));
  EXPECT_THAT(run.out, HasSubstr("  ✓ nvidia.com/gpu: 8 devices, all healthy\n"));
  EXPECT_THAT(run.out, HasSubstr("  ✓ nvidia.com/gpu spec for this node: 17 devices, valid"));
  EXPECT_THAT(run.out, Not(HasSubstr("✗")));
  EXPECT_THAT(run.out, HasSubstr("This node can serve GPUs (0 problems"));
}

TEST_F(DoctorE2eTest, LostGpuIsShownAndTheNodeStillServes) {
  std::ofstream(control_, std::ios::app) << "lost 3\n";
  GpuletRun run = Doctor("");
  // Seven GPUs still serve pods: exit 0, the lost one is a ✗ with its fix.
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("  ✗ GPU 3: lost: "));
  EXPECT_THAT(run.out, HasSubstr("Xid 79"));
  EXPECT_THAT(run.out,
              HasSubstr("  ✗ 7 of 8 GPUs would be advertised; GPU 3 is lost"));
  EXPECT_THAT(run.out, HasSubstr("This node can serve GPUs (2 problems"));
}

TEST_F(DoctorE2eTest, JsonIsStableAndSaysWhatTheKubeletGets) {
  GpuletRun run = Doctor("--json --allocate 2");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  nlohmann::ordered_json json = nlohmann::ordered_json::parse(run.out);
  EXPECT_EQ(json.begin().key(), "can_serve_gpus");
  EXPECT_EQ(json["can_serve_gpus"], true);
  EXPECT_EQ(json["driver"]["driver_version"], "550.54.15");
  EXPECT_EQ(json["gpus"]["count"], 8);
  EXPECT_EQ(json["resources"]["resources"][0]["healthy"], 8);
  EXPECT_EQ(json["labels"]["labels"]["nvidia.com/gpu.count"], "8");
  const nlohmann::ordered_json& allocation = json["allocation"];
  ASSERT_EQ(allocation["device_ids"].size(), 2u);
  EXPECT_EQ(allocation["response"]["envs"]["NVIDIA_VISIBLE_DEVICES"],
            allocation["device_ids"][0].get<std::string>() + "," +
                allocation["device_ids"][1].get<std::string>());
}

TEST_F(DoctorE2eTest, AllocationWithCdiAndDeviceSpecs) {
  GpuletRun run = Doctor("--allocate 1 --device-list-strategy cdi-annotations "
                         "--pass-device-specs --cdi-spec-dir " + driver_.path() + "/cdi");
  EXPECT_THAT(run.out, HasSubstr("      annotation cdi.k8s.io/nvidia-device-plugin_"));
  EXPECT_THAT(run.out, HasSubstr("=k8s.device-plugin.nvidia.com/gpu=GPU-"));
  EXPECT_THAT(run.out, HasSubstr("no plugin spec"));
}

TEST_F(DoctorE2eTest, NoDriverExitsOne) {
  GpuletRun run = Doctor("", "none");
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("  ✗ NVML not usable: "));
  EXPECT_THAT(run.out, HasSubstr("This node cannot serve GPUs"));
}

TEST_F(DoctorE2eTest, BadConfigExitsOneNamingTheFile) {
  std::string config = driver_.path() + "/config.yaml";
  std::ofstream(config) << "version: v1\nflags:\n  migStrategy: [\n";
  GpuletRun run = Doctor("--config-file " + config);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("✗ the device plugin refuses the config: "));
  EXPECT_THAT(run.out, HasSubstr(config));
}

TEST_F(DoctorE2eTest, BadFlagsExitTwo) {
  EXPECT_EQ(Doctor("--allocate 0").exit_code, 2);
  EXPECT_EQ(Doctor("--host-root relative").exit_code, 2);
}

}  // namespace
}  // namespace gpulet::testing

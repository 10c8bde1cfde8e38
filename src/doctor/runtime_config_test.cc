#include "doctor/runtime_config.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::doctor {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

RuntimeCdi Containerd(const std::string& text) {
  absl::StatusOr<TomlKeys> keys = ParseTomlKeys(text);
  EXPECT_OK(keys);
  return ContainerdCdi(keys.ok() ? *keys : TomlKeys{});
}

struct Case {
  const char* name;
  const char* config;
  CdiState state;
  const char* why;
};

class ContainerdCdiTest : public ::testing::TestWithParam<Case> {};

TEST_P(ContainerdCdiTest, State) {
  RuntimeCdi cdi = Containerd(GetParam().config);
  EXPECT_EQ(cdi.state, GetParam().state) << cdi.why;
  EXPECT_THAT(cdi.why, HasSubstr(GetParam().why));
}

INSTANTIATE_TEST_SUITE_P(
    Table, ContainerdCdiTest,
    ::testing::Values(
        Case{"V2On", "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\nenable_cdi = true\n",
             CdiState::kOn, "is true"},
        Case{"V2Off", "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\nenable_cdi = false\n",
             CdiState::kOff, "enable_cdi in [plugins.\"io.containerd.grpc.v1.cri\"] is false"},
        Case{"V2Unset", "version = 2\n", CdiState::kUnknown, "off on containerd 1.7"},
        Case{"V3Default", "version = 3\n", CdiState::kOn, "on by default"},
        Case{"V3Off", "version = 3\n[plugins.'io.containerd.cri.v1.runtime']\nenable_cdi = false\n",
             CdiState::kOff, "is false"},
        Case{"V1", "[plugins.cri]\nenable_cdi = true\n", CdiState::kOn, "[plugins.cri]"},
        Case{"V1Unset", "", CdiState::kOff, "config version 1"},
        // The key in the wrong section does not count.
        Case{"WrongSection", "version = 2\n[plugins.\"io.containerd.runtime.v1.linux\"]\n"
                             "enable_cdi = true\n",
             CdiState::kUnknown, "unset"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ContainerdCdiTest, SpecDirsRuntimeAndImports) {
  RuntimeCdi cdi = Containerd(
      "version = 2\nimports = [\"/etc/containerd/conf.d/*.toml\"]\n"
      "[plugins.\"io.containerd.grpc.v1.cri\"]\nenable_cdi = true\ncdi_spec_dirs = [\"/etc/cdi\"]\n"
      "[plugins.\"io.containerd.grpc.v1.cri\".containerd]\ndefault_runtime_name = \"nvidia\"\n"
      "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia]\n"
      "runtime_type = \"io.containerd.runc.v2\"\n");
  EXPECT_THAT(cdi.spec_dirs, ElementsAre("/etc/cdi"));
  EXPECT_EQ(cdi.default_runtime, "nvidia");
  EXPECT_TRUE(cdi.nvidia_runtime);
  absl::StatusOr<TomlKeys> keys = ParseTomlKeys("imports = [\"/a.toml\", \"/b/*.toml\"]\n");
  ASSERT_OK(keys);
  EXPECT_THAT(ContainerdImports(*keys), ElementsAre("/a.toml", "/b/*.toml"));
}

TEST(ContainerdCdiTest, DefaultSpecDirs) {
  EXPECT_THAT(Containerd("version = 3\n").spec_dirs, ElementsAre("/etc/cdi", "/var/run/cdi"));
}

TEST(CrioCdiTest, AlwaysOnWithItsSpecDirs) {
  absl::StatusOr<TomlKeys> keys = ParseTomlKeys(
      "[crio.runtime]\ndefault_runtime = \"nvidia\"\ncdi_spec_dirs = [\"/etc/cdi\"]\n"
      "[crio.runtime.runtimes.nvidia]\nruntime_path = \"/usr/bin/nvidia-container-runtime\"\n");
  ASSERT_OK(keys);
  RuntimeCdi cdi = CrioCdi(*keys);
  EXPECT_EQ(cdi.state, CdiState::kOn);
  EXPECT_THAT(cdi.spec_dirs, ElementsAre("/etc/cdi"));
  EXPECT_EQ(cdi.default_runtime, "nvidia");
  EXPECT_TRUE(cdi.nvidia_runtime);
  EXPECT_THAT(CrioCdi({}).spec_dirs, ElementsAre("/etc/cdi", "/var/run/cdi"));
}

}  // namespace
}  // namespace gpulet::doctor

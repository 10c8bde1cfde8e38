#include "cdi/spec_generator.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "base/status_matchers.h"
#include "cdi/spec_format.h"
#include "cdi/spec_simplifier.h"
#include "cdi/spec_validator.h"
#include "cdi/spec_version.h"
#include "cdi/testing/driver_layouts.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostfs/host_fs.h"
#include "hostfs/path.h"

namespace gpulet::cdi {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;
using testing::DriverLayout;

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

using Generated = testing::FixtureNode;

std::unique_ptr<Generated> MakeNode(DriverLayout layout, int gpus, int mig_gpu) {
  return testing::MakeFixtureNode(layout, gpus, mig_gpu);
}

class LayoutTest : public ::testing::TestWithParam<DriverLayout> {};

// Every path the spec names on the host exists on the fixture host.
void ExpectHostPathsExist(const hostfs::HostFs& host, const ContainerEdits& edits) {
  for (const DeviceNode& node : edits.device_nodes) {
    std::string host_path = node.host_path.empty() ? node.path : node.host_path;
    EXPECT_TRUE(host.view().Exists(host_path)) << host_path;
  }
  for (const Mount& mount : edits.mounts) {
    EXPECT_TRUE(host.view().Exists(mount.host_path)) << mount.host_path;
    EXPECT_TRUE(hostfs::IsUnderRoot(mount.host_path, host.roots().driver_root()))
        << mount.host_path;
  }
}

// Container paths carry no host root, and driver files sit below the
// container driver root.
void ExpectContainerPaths(const hostfs::HostFs& host, const ContainerEdits& edits) {
  for (const DeviceNode& node : edits.device_nodes) {
    EXPECT_TRUE(absl::StartsWith(node.path, "/dev/")) << node.path;
  }
  for (const Mount& mount : edits.mounts) {
    if (host.roots().driver_root() != "/") {
      EXPECT_FALSE(hostfs::IsUnderRoot(mount.container_path, host.roots().driver_root()))
          << mount.container_path;
    }
    bool config = absl::StartsWith(mount.container_path, "/etc/") ||
                  absl::StartsWith(mount.container_path, "/usr/share/");
    if (!config) {
      EXPECT_TRUE(hostfs::IsUnderRoot(mount.container_path,
                                      host.roots().container_driver_root()))
          << mount.container_path;
    }
  }
}

TEST_P(LayoutTest, MatchesGoldenAndIsSound) {
  std::unique_ptr<Generated> node = MakeNode(GetParam(), 2, /*mig_gpu=*/1);
  ASSERT_OK_AND_ASSIGN(GeneratedSpec out,
                       GenerateSpec(*node->host, &node->inventory, GenerateOptions()));
  const Spec& spec = out.spec;
  EXPECT_TRUE(ValidateSpec(spec).ok()) << ValidateSpec(spec);
  EXPECT_EQ(spec.version, MinimumVersion(spec).ToString());
  EXPECT_EQ(spec.version, "0.5.0");  // digit-first names
  ExpectHostPathsExist(*node->host, spec.edits);
  ExpectContainerPaths(*node->host, spec.edits);
  for (const Device& device : spec.devices) {
    ExpectHostPathsExist(*node->host, device.edits);
    ExpectContainerPaths(*node->host, device.edits);
  }
  // GPU 0 by index and UUID, GPU 1's two MIG devices by index and UUID, all.
  ASSERT_EQ(spec.devices.size(), 7u);
  ASSERT_EQ(spec.devices.back().name, "all");
  std::vector<Device> named(spec.devices.begin(), spec.devices.end() - 1);
  EXPECT_EQ(spec.devices.back().edits, MergeEdits(named));

  std::string name = testing::DriverLayoutName(GetParam());
  std::string text = FormatSpec(spec, SpecFormat::kYaml);
  std::string golden = ReadText(absl::StrCat(GPULET_CDI_TESTDATA_DIR, "/", name, ".yaml"));
  if (text != golden) {
    std::filesystem::create_directories(GPULET_CDI_GOLDEN_OUT);
    std::ofstream(absl::StrCat(GPULET_CDI_GOLDEN_OUT, "/", name, ".yaml")) << text;
  }
  EXPECT_TRUE(text == golden) << name << ": differs from the golden; actual spec written to "
                              << GPULET_CDI_GOLDEN_OUT
                          << " (scripts/cdi-update-goldens.sh copies it)";
  ASSERT_OK_AND_ASSIGN(Spec reparsed, ParseSpec(text, SpecFormat::kYaml));
  EXPECT_EQ(reparsed, spec);
}

INSTANTIATE_TEST_SUITE_P(Layouts, LayoutTest,
                         ::testing::ValuesIn(testing::AllDriverLayouts()),
                         [](const auto& info) {
                           std::string name = testing::DriverLayoutName(info.param);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(SpecGeneratorTest, DebianSplitMountsBothDirectories) {
  std::unique_ptr<Generated> node = MakeNode(DriverLayout::kDebianSplit, 1, -1);
  ASSERT_OK_AND_ASSIGN(GeneratedSpec out,
                       GenerateSpec(*node->host, &node->inventory, GenerateOptions()));
  std::vector<std::string> paths;
  for (const Mount& mount : out.spec.edits.mounts) paths.push_back(mount.container_path);
  EXPECT_THAT(paths, ::testing::Contains(
                         "/usr/lib/x86_64-linux-gnu/nvidia/current/libcuda.so.570.86.15"));
  EXPECT_THAT(paths, ::testing::Contains("/usr/lib/x86_64-linux-gnu/libnvidia-glcore.so.570.86.15"));
  EXPECT_THAT(paths, ::testing::Not(::testing::Contains("/usr/lib/x86_64-linux-gnu/libz.so.1.2.13")));
}

TEST(SpecGeneratorTest, NamingStrategiesAndNoAllDevice) {
  std::unique_ptr<Generated> node = MakeNode(DriverLayout::kDebianMultiarch, 2, 1);
  GenerateOptions options;
  options.name_strategies = {DeviceNameStrategy::kTypeIndex};
  options.all_device = false;
  ASSERT_OK_AND_ASSIGN(GeneratedSpec out, GenerateSpec(*node->host, &node->inventory, options));
  std::vector<std::string> names;
  for (const Device& device : out.spec.devices) names.push_back(device.name);
  EXPECT_THAT(names, ::testing::ElementsAre("gpu0", "mig1:0", "mig1:1"));
  EXPECT_EQ(out.spec.version, "0.3.0");  // no digit-first name, no hostPath
}

TEST(SpecGeneratorTest, DeviceIdsSelectAndUnknownIsRejected) {
  std::unique_ptr<Generated> node = MakeNode(DriverLayout::kDebianMultiarch, 2, 1);
  GenerateOptions options;
  options.device_ids = {"1:1"};
  options.name_strategies = {DeviceNameStrategy::kIndex};
  ASSERT_OK_AND_ASSIGN(GeneratedSpec out, GenerateSpec(*node->host, &node->inventory, options));
  ASSERT_EQ(out.spec.devices.size(), 2u);
  EXPECT_EQ(out.spec.devices[0].name, "1:1");
  options.device_ids = {"7"};
  EXPECT_THAT(GenerateSpec(*node->host, &node->inventory, options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"7\"")));
}

TEST(SpecGeneratorTest, MissingGpuNodeLeavesTheGpuOut) {
  std::unique_ptr<Generated> node = MakeNode(DriverLayout::kDebianMultiarch, 2, -1);
  node->tree.Remove("/dev/nvidia1");
  ASSERT_OK_AND_ASSIGN(GeneratedSpec out,
                       GenerateSpec(*node->host, &node->inventory, GenerateOptions()));
  for (const Device& device : out.spec.devices) EXPECT_NE(device.name, "1");
  EXPECT_THAT(out.warnings, ::testing::Contains(HasSubstr("nvidia1")));
}

TEST(SpecGeneratorTest, GpuWithAProblemIsLeftOut) {
  std::unique_ptr<Generated> node = MakeNode(DriverLayout::kDebianMultiarch, 2, -1);
  node->inventory.gpus[1].uuid.clear();
  node->inventory.gpus[1].problem = "nvmlDeviceGetHandleByIndex_v2 on GPU 1: GPU is lost";
  ASSERT_OK_AND_ASSIGN(GeneratedSpec out,
                       GenerateSpec(*node->host, &node->inventory, GenerateOptions()));
  std::vector<std::string> names;
  for (const Device& device : out.spec.devices) names.push_back(device.name);
  EXPECT_THAT(names, ::testing::UnorderedElementsAre("0", node->inventory.gpus[0].uuid, "all"));
  EXPECT_THAT(out.warnings, ::testing::Contains(HasSubstr("left out GPU 1: ")));
}

TEST(SpecGeneratorTest, ManagementModeHasOneAllDevice) {
  std::unique_ptr<Generated> node = MakeNode(DriverLayout::kGpuOperator, 2, 1);
  GenerateOptions options;
  options.mode = GenerateMode::kManagement;
  ASSERT_OK_AND_ASSIGN(GeneratedSpec out, GenerateSpec(*node->host, nullptr, options));
  ASSERT_EQ(out.spec.devices.size(), 1u);
  EXPECT_EQ(out.spec.devices[0].name, "all");
  std::vector<std::string> paths;
  for (const DeviceNode& n : out.spec.devices[0].edits.device_nodes) paths.push_back(n.path);
  EXPECT_THAT(paths, ::testing::IsSupersetOf({"/dev/nvidia0", "/dev/nvidiactl",
                                              "/dev/nvidia-caps/nvidia-cap110"}));
  for (const Hook& hook : out.spec.edits.hooks) {
    EXPECT_NE(hook.args[1], "disable-device-node-modification");
  }
}

TEST(SpecGeneratorTest, HooksFollowFlags) {
  std::unique_ptr<Generated> node = MakeNode(DriverLayout::kDebianMultiarch, 1, -1);
  GenerateOptions options;
  options.hook_path = "/usr/local/bin/nvidia-ctk";
  options.ldconfig_path = "/sbin/ldconfig.real";
  ASSERT_OK_AND_ASSIGN(options.hooks, HookSet::Create({"all"}, {"update-ldcache"}));
  ASSERT_OK_AND_ASSIGN(GeneratedSpec out, GenerateSpec(*node->host, &node->inventory, options));
  ASSERT_EQ(out.spec.edits.hooks.size(), 1u);
  EXPECT_THAT(out.spec.edits.hooks[0].args,
              ::testing::ElementsAre("nvidia-ctk", "hook", "update-ldcache", "--ldconfig-path",
                                     "/sbin/ldconfig.real", "--folder",
                                     "/usr/lib/x86_64-linux-gnu", "--folder",
                                     "/usr/lib/x86_64-linux-gnu/vdpau"));
  EXPECT_THAT(HookSet::Create({}, {"all"}), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(SpecGeneratorTest, BadVendorIsRejected) {
  std::unique_ptr<Generated> node = MakeNode(DriverLayout::kDebianMultiarch, 1, -1);
  GenerateOptions options;
  options.vendor = "-nvidia.com";
  EXPECT_THAT(GenerateSpec(*node->host, &node->inventory, options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("vendor")));
}

}  // namespace
}  // namespace gpulet::cdi

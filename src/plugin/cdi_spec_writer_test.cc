#include "plugin/cdi_spec_writer.h"

#include <sys/stat.h>

#include <optional>
#include <set>

#include "absl/strings/match.h"
#include "allocation/container_allocation.h"
#include "base/status_matchers.h"
#include "cdi/spec_file.h"
#include "cdi/spec_validator.h"
#include "cdi/testing/driver_layouts.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plugin/allocator_backend.h"

namespace gpulet::plugin {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kGpu0[] = "GPU-4f6c2a8e-0000-4000-8000-000000000000";
constexpr char kGpu1[] = "GPU-4f6c2a8e-0000-4000-8000-000000000001";
constexpr char kMig1[] = "MIG-9b1e7d3c-0000-4000-8000-000001000001";
constexpr char kMig2[] = "MIG-9b1e7d3c-0000-4000-8000-000001000002";

std::string Qualified(std::string_view name) {
  return "k8s.device-plugin.nvidia.com/gpu=" + std::string(name);
}

// A fixture node with two GPUs whose GPU 1 can be switched to MIG (its
// mig-minors and capability nodes exist), and an empty spec dir.
class CdiSpecWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hostfs::DriverRoots roots = cdi::testing::BuildDriverLayout(
        tree_, cdi::testing::DriverLayout::kDebianMultiarch, cdi::testing::FixtureGpus(2),
        /*mig_gpu=*/1);
    tree_.AddDirectory("/var/run/cdi");
    ASSERT_OK_AND_ASSIGN(hostfs::HostView view, hostfs::HostView::AtPrefix(tree_.prefix()));
    ASSERT_OK_AND_ASSIGN(hostfs::HostFs host, hostfs::HostFs::Open(view, roots));
    host_.emplace(std::move(host));
    spec_dir_ = tree_.PathOf("/var/run/cdi");
  }

  static inventory::Inventory Layout(int mig_gpu) {
    return cdi::testing::FixtureInventory(cdi::testing::FixtureGpus(2), mig_gpu);
  }

  struct stat Stat(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
    return st;
  }

  hostfs::testing::FixtureTree tree_;
  std::optional<hostfs::HostFs> host_;
  std::string spec_dir_;
};

TEST(PluginCdiSpecPathTest, VendorDashClassJson) {
  EXPECT_EQ(PluginCdiSpecPath("/var/run/cdi"),
            "/var/run/cdi/k8s.device-plugin.nvidia.com-gpu.json");
  EXPECT_EQ(PluginCdiSpecPath("/tmp/x/"), "/tmp/x/k8s.device-plugin.nvidia.com-gpu.json");
  EXPECT_EQ(PluginCdiSpecPath("/"), "/k8s.device-plugin.nvidia.com-gpu.json");
}

TEST_F(CdiSpecWriterTest, WritesAValidJsonSpecNamedByUuidWithMode0644) {
  CdiSpecWriter writer(spec_dir_, {});
  EXPECT_TRUE(writer.Devices()->empty());
  ASSERT_OK_AND_ASSIGN(bool written, writer.Update(*host_, Layout(-1), {}));
  EXPECT_TRUE(written);
  EXPECT_EQ(writer.path(), spec_dir_ + "/k8s.device-plugin.nvidia.com-gpu.json");
  EXPECT_EQ(Stat(writer.path()).st_mode & 07777, 0644u);
  ASSERT_OK_AND_ASSIGN(cdi::Spec spec, cdi::LoadSpecFile(writer.path()));
  EXPECT_OK(cdi::ValidateSpec(spec));
  EXPECT_EQ(spec.kind, "k8s.device-plugin.nvidia.com/gpu");
  std::vector<std::string> names;
  for (const cdi::Device& device : spec.devices) names.push_back(device.name);
  std::sort(names.begin(), names.end());
  EXPECT_THAT(names, ElementsAre(kGpu0, kGpu1, "all"));
  EXPECT_THAT(*writer.Devices(), ElementsAre(Qualified(kGpu0), Qualified(kGpu1),
                                             Qualified("all")));
}

TEST_F(CdiSpecWriterTest, IndexStrategyNamesGpusAndMigDevicesByIndex) {
  CdiSpecWriter writer(spec_dir_, {});
  CdiSpecOptions options;
  options.index_names = true;
  ASSERT_OK(writer.Update(*host_, Layout(1), options).status());
  // As nvidia-ctk: a GPU in MIG mode is served through its MIG devices only.
  EXPECT_THAT(*writer.Devices(), ElementsAre(Qualified("0"), Qualified("1:0"), Qualified("1:1"),
                                             Qualified("all")));
}

TEST_F(CdiSpecWriterTest, HookPathIsWrittenIntoTheSpec) {
  CdiSpecWriter writer(spec_dir_, {});
  CdiSpecOptions options;
  options.hook_path = "/opt/toolkit/nvidia-cdi-hook";
  ASSERT_OK(writer.Update(*host_, Layout(-1), options).status());
  ASSERT_OK_AND_ASSIGN(cdi::Spec spec, cdi::LoadSpecFile(writer.path()));
  ASSERT_FALSE(spec.edits.hooks.empty());
  for (const cdi::Hook& hook : spec.edits.hooks) {
    EXPECT_EQ(hook.path, "/opt/toolkit/nvidia-cdi-hook");
  }
}

// The hook names ("nvidia-cdi-hook <name> ...") anywhere in `spec`.
std::set<std::string> HookNames(const cdi::Spec& spec) {
  std::set<std::string> names;
  for (const cdi::Hook& hook : spec.edits.hooks) names.insert(hook.args.at(2));
  for (const cdi::Device& device : spec.devices) {
    for (const cdi::Hook& hook : device.edits.hooks) names.insert(hook.args.at(2));
  }
  return names;
}

TEST_F(CdiSpecWriterTest, DisabledHooksAreLeftOutOfTheWrittenSpec) {
  CdiSpecWriter writer(spec_dir_, {});
  ASSERT_OK(writer.Update(*host_, Layout(-1), {}).status());
  ASSERT_OK_AND_ASSIGN(cdi::Spec full, cdi::LoadSpecFile(writer.path()));
  // "nvidia-ctk hook <name>": the plugin's default hook path is nvidia-ctk.
  EXPECT_THAT(HookNames(full), ElementsAre("create-symlinks", "disable-device-node-modification",
                                           "enable-cuda-compat", "update-ldcache"));
  CdiSpecOptions options;
  options.disabled_hooks = {"enable-cuda-compat", "create-symlinks", "no-such-hook"};
  ASSERT_OK_AND_ASSIGN(bool written, writer.Update(*host_, Layout(-1), options));
  EXPECT_TRUE(written);
  ASSERT_OK_AND_ASSIGN(cdi::Spec spec, cdi::LoadSpecFile(writer.path()));
  EXPECT_OK(cdi::ValidateSpec(spec));
  EXPECT_THAT(HookNames(spec),
              ElementsAre("disable-device-node-modification", "update-ldcache"));
  options.disabled_hooks = {"all"};
  ASSERT_OK(writer.Update(*host_, Layout(1), options).status());
  ASSERT_OK_AND_ASSIGN(spec, cdi::LoadSpecFile(writer.path()));
  EXPECT_OK(cdi::ValidateSpec(spec));
  EXPECT_THAT(HookNames(spec), ::testing::IsEmpty());
  EXPECT_TRUE(writer.Devices()->contains(Qualified(kMig1))) << "the devices stay";
}

TEST_F(CdiSpecWriterTest, FeatureFlagsChangeTheWrittenSpec) {
  auto sockets = [](const cdi::Spec& spec) {
    int count = 0;
    for (const cdi::Mount& mount : spec.edits.mounts) {
      count += absl::EndsWith(mount.container_path, "/socket") ? 1 : 0;
    }
    return count;
  };
  CdiSpecWriter writer(spec_dir_, {});
  ASSERT_OK(writer.Update(*host_, Layout(-1), {}).status());
  ASSERT_OK_AND_ASSIGN(cdi::Spec full, cdi::LoadSpecFile(writer.path()));
  EXPECT_GT(sockets(full), 0);
  CdiSpecOptions options;
  options.feature_flags = {"disable-ipc-discoverer", "disable-nvsandbox-utils", "bogus"};
  ASSERT_OK_AND_ASSIGN(bool written, writer.Update(*host_, Layout(-1), options));
  EXPECT_TRUE(written);
  ASSERT_OK_AND_ASSIGN(cdi::Spec spec, cdi::LoadSpecFile(writer.path()));
  EXPECT_EQ(sockets(spec), 0);
  EXPECT_EQ(spec.edits.mounts.size() + sockets(full), full.edits.mounts.size());
}

TEST_F(CdiSpecWriterTest, UnchangedLayoutDoesNotRewriteTheFile) {
  CdiSpecWriter writer(spec_dir_, {});
  ASSERT_OK(writer.Update(*host_, Layout(-1), {}).status());
  struct stat before = Stat(writer.path());
  ASSERT_OK_AND_ASSIGN(bool written, writer.Update(*host_, Layout(-1), {}));
  EXPECT_FALSE(written);
  struct stat after = Stat(writer.path());
  EXPECT_EQ(before.st_ino, after.st_ino);
  EXPECT_EQ(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
  EXPECT_EQ(before.st_mtim.tv_sec, after.st_mtim.tv_sec);
}

TEST_F(CdiSpecWriterTest, NewMigLayoutRewritesWithTheNewMigDevices) {
  CdiSpecWriter writer(spec_dir_, {});
  ASSERT_OK(writer.Update(*host_, Layout(-1), {}).status());
  EXPECT_FALSE(writer.Devices()->contains(Qualified(kMig1)));
  ino_t before = Stat(writer.path()).st_ino;
  ASSERT_OK_AND_ASSIGN(bool written, writer.Update(*host_, Layout(1), {}));
  EXPECT_TRUE(written);
  EXPECT_NE(Stat(writer.path()).st_ino, before) << "replaced by rename, not rewritten in place";
  ASSERT_OK_AND_ASSIGN(cdi::Spec spec, cdi::LoadSpecFile(writer.path()));
  std::vector<std::string> names;
  for (const cdi::Device& device : spec.devices) names.push_back(device.name);
  EXPECT_THAT(names, ::testing::IsSupersetOf({kMig1, kMig2}));
  EXPECT_TRUE(writer.Devices()->contains(Qualified(kMig2)));
  // And back: the MIG devices leave the spec again.
  ASSERT_OK_AND_ASSIGN(written, writer.Update(*host_, Layout(-1), {}));
  EXPECT_TRUE(written);
  EXPECT_FALSE(writer.Devices()->contains(Qualified(kMig1)));
}

TEST_F(CdiSpecWriterTest, FileChangedBehindItsBackIsRestored) {
  CdiSpecWriter writer(spec_dir_, {});
  ASSERT_OK(writer.Update(*host_, Layout(-1), {}).status());
  ASSERT_EQ(unlink(writer.path().c_str()), 0);
  ASSERT_OK_AND_ASSIGN(bool written, writer.Update(*host_, Layout(-1), {}));
  EXPECT_TRUE(written);
  EXPECT_OK(cdi::LoadSpecFile(writer.path()).status());
}

TEST_F(CdiSpecWriterTest, FailedGenerationKeepsTheFileAndTheDevices) {
  CdiSpecWriter writer(spec_dir_, {});
  ASSERT_OK(writer.Update(*host_, Layout(-1), {}).status());
  ino_t before = Stat(writer.path()).st_ino;
  inventory::Inventory other_driver = Layout(1);
  other_driver.driver_version = "999.1.2";  // no libraries of that version
  EXPECT_THAT(writer.Update(*host_, other_driver, {}).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("999.1.2")));
  EXPECT_EQ(Stat(writer.path()).st_ino, before);
  EXPECT_FALSE(writer.Devices()->contains(Qualified(kMig1)));
  EXPECT_TRUE(writer.Devices()->contains(Qualified(kGpu1)));
}

TEST_F(CdiSpecWriterTest, UnwritableDirIsAnErrorNamingThePath) {
  CdiSpecWriter writer(tree_.PathOf("/no/such/dir"), {});
  absl::StatusOr<bool> written = writer.Update(*host_, Layout(-1), {});
  EXPECT_THAT(written.status(), StatusIs(absl::StatusCode::kNotFound, HasSubstr("/no/such/dir")));
  EXPECT_TRUE(writer.Devices()->empty());
}

TEST(CheckCdiNamesTest, RefusesGpuNamesMissingFromTheSpec) {
  CdiDeviceNames spec = {Qualified("GPU-a"), Qualified("all")};
  allocation::ContainerAllocation cri;
  cri.cdi_devices = {Qualified("GPU-a"), "k8s.device-plugin.nvidia.com/gdrcopy=all"};
  EXPECT_OK(CheckCdiNames(cri, spec, "/s.json"));
  cri.cdi_devices.push_back(Qualified("GPU-b"));
  EXPECT_THAT(CheckCdiNames(cri, spec, "/s.json"),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("\"k8s.device-plugin.nvidia.com/gpu=GPU-b\" is not in the spec "
                                 "\"/s.json\"")));
}

TEST(CheckCdiNamesTest, ReadsTheCommaListOfTheAnnotation) {
  CdiDeviceNames spec = {Qualified("0"), Qualified("1")};
  allocation::ContainerAllocation annotated;
  annotated.annotations["cdi.k8s.io/nvidia-device-plugin_x"] =
      Qualified("0") + "," + Qualified("1");
  EXPECT_OK(CheckCdiNames(annotated, spec, "/s.json"));
  annotated.annotations["cdi.k8s.io/nvidia-device-plugin_x"] =
      Qualified("0") + "," + Qualified("2:0");
  EXPECT_THAT(CheckCdiNames(annotated, spec, "/s.json"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("gpu=2:0")));
}

}  // namespace
}  // namespace gpulet::plugin

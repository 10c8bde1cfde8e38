// vgpu.* labels from hand-made PCI config spaces in a fixture sysfs: a vGPU
// with its host driver record, a plain GPU, malformed and truncated
// capabilities, unprivileged (64-byte) and unreadable config files.
#include "labels/vgpu_labels.h"

#include <filesystem>
#include <string>

#include "base/status_matchers.h"
#include "base/testing/other_user.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostfs/testing/fixture_tree.h"
#include "hostfs/testing/pci_config_bytes.h"

namespace gpulet::labels {
namespace {

using ::gpulet::hostfs::testing::FixtureTree;
using ::gpulet::hostfs::testing::PciConfigSpace;
using ::gpulet::hostfs::testing::PowerManagementCapability;
using ::gpulet::hostfs::testing::VgpuCapability;
using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

class VgpuLabelsTest : public ::testing::Test {
 protected:
  void AddFunction(const std::string& address, const std::string& config,
                   const std::string& vendor = "0x10de") {
    tree_.AddFile("/sys/bus/pci/devices/" + address + "/vendor", vendor + "\n");
    tree_.AddFile("/sys/bus/pci/devices/" + address + "/config", config);
  }
  LabelMap Labels() {
    absl::StatusOr<hostfs::HostView> view = hostfs::HostView::AtPrefix(tree_.prefix());
    EXPECT_TRUE(view.ok());
    return VgpuLabels(*view);
  }

  FixtureTree tree_;
};

TEST_F(VgpuLabelsTest, VgpuWithHostDriverRecord) {
  AddFunction("0000:00:05.0",
              PciConfigSpace({PowerManagementCapability(),
                              VgpuCapability("550.54.16", "r550_40",
                                             {std::string("\x01\x04\xaa\xbb", 4)})}));
  EXPECT_THAT(Labels(),
              UnorderedElementsAre(Pair("nvidia.com/vgpu.present", "true"),
                                   Pair("nvidia.com/vgpu.host-driver-version", "550.54.16"),
                                   Pair("nvidia.com/vgpu.host-driver-branch", "r550_40")));
}

TEST_F(VgpuLabelsTest, PlainGpuIsNotAVgpu) {
  AddFunction("0000:3b:00.0", PciConfigSpace({PowerManagementCapability()}));
  // A vendor capability without the signature is not a vGPU either.
  AddFunction("0000:3c:00.0", PciConfigSpace({std::string("\x09\x00\x08XY\x00\x00\x00", 8)}));
  EXPECT_THAT(Labels(), UnorderedElementsAre(Pair("nvidia.com/vgpu.present", "false")));
}

TEST_F(VgpuLabelsTest, OtherVendorsAreIgnored) {
  AddFunction("0000:00:05.0", PciConfigSpace({VgpuCapability("1.2", "r1")}), "0x8086");
  EXPECT_THAT(Labels(), IsEmpty());
}

TEST_F(VgpuLabelsTest, NoPciDevicesGiveNoLabels) { EXPECT_THAT(Labels(), IsEmpty()); }

TEST_F(VgpuLabelsTest, UnprivilegedReadGivesNoLabels) {
  // Non-root: the kernel returns the 64-byte header only; whether the GPU
  // is a vGPU is unknown, so nothing is claimed.
  AddFunction("0000:00:05.0",
              PciConfigSpace({VgpuCapability("550.54.16", "r550_40")}).substr(0, 64));
  EXPECT_THAT(Labels(), IsEmpty());
}

TEST_F(VgpuLabelsTest, UnreadableConfigGivesNoLabels) {
  tree_.AddFile("/sys/bus/pci/devices/0000:00:05.0/vendor", "0x10de\n");
  tree_.AddDirectory("/sys/bus/pci/devices/0000:00:05.0/config");  // read fails
  EXPECT_THAT(Labels(), IsEmpty());
}

TEST_F(VgpuLabelsTest, NonRootReaderGetsNoLabels) {
  if (!gpulet::testing::CanRunAsOtherUser()) GTEST_SKIP() << "needs root to switch users";
  AddFunction("0000:00:05.0", PciConfigSpace({VgpuCapability("550.54.16", "r550_40")}));
  // Other users may walk the tree, as in sysfs, but config is root's only.
  std::filesystem::permissions(tree_.prefix(), std::filesystem::perms::owner_all |
                                                   std::filesystem::perms::group_exec |
                                                   std::filesystem::perms::others_exec);
  for (const auto& entry : std::filesystem::recursive_directory_iterator(tree_.prefix())) {
    std::filesystem::permissions(entry.path(), entry.is_directory()
                                                   ? std::filesystem::perms(0755)
                                                   : std::filesystem::perms(0644));
  }
  std::filesystem::permissions(tree_.PathOf("/sys/bus/pci/devices/0000:00:05.0/config"),
                               std::filesystem::perms(0600));
  EXPECT_THAT(Labels(), ::testing::Contains(Pair("nvidia.com/vgpu.present", "true")))
      << "root reads it";
  absl::StatusOr<hostfs::HostView> view = hostfs::HostView::AtPrefix(tree_.prefix());
  ASSERT_OK(view.status());
  absl::StatusOr<int> as_nobody = gpulet::testing::RunAsNobody(
      [&] { return VgpuLabels(*view).empty() ? 0 : 1; });
  ASSERT_OK(as_nobody.status());
  EXPECT_EQ(*as_nobody, 0) << "an unreadable config space claims nothing";
}

TEST_F(VgpuLabelsTest, OneReadableFunctionDecides) {
  AddFunction("0000:00:05.0", std::string(64, '\0').replace(6, 1, "\x10").replace(0x34, 1, "\x40"));
  AddFunction("0000:00:06.0", PciConfigSpace({VgpuCapability("550.54.16", "r550_40")}));
  EXPECT_THAT(Labels(), ::testing::Contains(Pair("nvidia.com/vgpu.present", "true")));
}

TEST_F(VgpuLabelsTest, BrokenHostDriverRecordKeepsPresentOnly) {
  std::string cap = VgpuCapability("550.54.16", "r550_40");
  cap.resize(12);  // cut inside the record
  cap[2] = static_cast<char>(cap.size());
  AddFunction("0000:00:05.0", PciConfigSpace({cap}));
  EXPECT_THAT(Labels(), UnorderedElementsAre(Pair("nvidia.com/vgpu.present", "true")));
}

TEST_F(VgpuLabelsTest, InvalidLabelCharactersAreOmitted) {
  AddFunction("0000:00:05.0", PciConfigSpace({VgpuCapability("550 54/16", "r550_40")}));
  EXPECT_THAT(Labels(),
              UnorderedElementsAre(Pair("nvidia.com/vgpu.present", "true"),
                                   Pair("nvidia.com/vgpu.host-driver-branch", "r550_40")));
}

TEST(ParseVgpuHostDriverTest, SkipsRecordsAndTrimsNuls) {
  ASSERT_OK_AND_ASSIGN(VgpuHostDriver driver,
                       ParseVgpuHostDriver(VgpuCapability(
                           "535.1", "r535_00", {std::string("\x02\x03\x00", 3),
                                                std::string("\x05\x02", 2)})));
  EXPECT_EQ(driver.version, "535.1");
  EXPECT_EQ(driver.branch, "r535_00");
}

TEST(ParseVgpuHostDriverTest, ZeroLengthRecordIsAnErrorNotALoop) {
  std::string cap("\x09\x00\x20VF\x07\x00", 7);
  cap.resize(32, '\0');
  cap[2] = 32;
  EXPECT_THAT(ParseVgpuHostDriver(cap),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("length 0")));
}

TEST(ParseVgpuHostDriverTest, EveryTruncationIsAnErrorNeverAnOverread) {
  const std::string full =
      VgpuCapability("550.54.16", "r550_40", {std::string("\x01\x04\xaa\xbb", 4)});
  for (size_t n = 0; n < full.size(); ++n) {
    const std::string cut = full.substr(0, n);
    EXPECT_FALSE(ParseVgpuHostDriver(cut).ok()) << n;
  }
  EXPECT_TRUE(ParseVgpuHostDriver(full).ok());
}

TEST(IsVgpuCapabilityTest, NeedsTheSignature) {
  EXPECT_TRUE(IsVgpuCapability(VgpuCapability("1", "r1")));
  EXPECT_FALSE(IsVgpuCapability(std::string("\x09\x00\x05VX", 5)));
  EXPECT_FALSE(IsVgpuCapability(std::string("\x09\x00\x04V", 4)));
  EXPECT_FALSE(IsVgpuCapability(""));
}

}  // namespace
}  // namespace gpulet::labels

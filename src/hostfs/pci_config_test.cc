// FindPciCapability on hand-made config spaces, well-formed and broken, and
// the sysfs listing and reading through a fixture tree.
#include "hostfs/pci_config.h"

#include <string>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostfs/testing/fixture_tree.h"
#include "hostfs/testing/pci_config_bytes.h"

namespace gpulet::hostfs {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::PciConfigSpace;
using testing::PowerManagementCapability;
using testing::VgpuCapability;

TEST(FindPciCapability, FindsTheVendorCapabilityAfterAnother) {
  const std::string vgpu = VgpuCapability("550.54.16", "r550_40");
  const std::string config = PciConfigSpace({PowerManagementCapability(), vgpu});
  ASSERT_OK_AND_ASSIGN(std::optional<std::string_view> cap,
                       FindPciCapability(config, kPciCapabilityVendorSpecific));
  ASSERT_TRUE(cap.has_value());
  EXPECT_EQ(cap->size(), vgpu.size());
  EXPECT_EQ(cap->substr(3, 2), "VF");
}

TEST(FindPciCapability, NoListOrNoMatchIsNullopt) {
  ASSERT_OK_AND_ASSIGN(std::optional<std::string_view> none,
                       FindPciCapability(PciConfigSpace({}), kPciCapabilityVendorSpecific));
  EXPECT_FALSE(none.has_value());
  ASSERT_OK_AND_ASSIGN(none, FindPciCapability(PciConfigSpace({PowerManagementCapability()}),
                                               kPciCapabilityVendorSpecific));
  EXPECT_FALSE(none.has_value());
}

TEST(FindPciCapability, ShortHeaderIsInvalid) {
  EXPECT_THAT(FindPciCapability(std::string(10, '\0'), kPciCapabilityVendorSpecific),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("10 bytes")));
  EXPECT_THAT(FindPciCapability("", kPciCapabilityVendorSpecific),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(FindPciCapability, UnprivilegedReadStopsAtTheHeader) {
  // What a non-root reader gets: the first 64 bytes only.
  const std::string full = PciConfigSpace({VgpuCapability("550.54.16", "r550_40")});
  EXPECT_THAT(FindPciCapability(full.substr(0, 64), kPciCapabilityVendorSpecific),
              StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("needs root")));
}

TEST(FindPciCapability, CapabilityLongerThanTheBytesReadIsOutOfRange) {
  std::string config = PciConfigSpace({VgpuCapability("550.54.16", "r550_40")});
  config[0x42] = '\x40';  // claims 64 bytes
  EXPECT_THAT(FindPciCapability(config.substr(0, 0x60), kPciCapabilityVendorSpecific),
              StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("runs past")));
  // Cut right after the id and next pointer: no length byte.
  EXPECT_THAT(FindPciCapability(config.substr(0, 0x42), kPciCapabilityVendorSpecific),
              StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("no length byte")));
}

TEST(FindPciCapability, MalformedListsAreInvalid) {
  std::string loop = PciConfigSpace({PowerManagementCapability()});
  loop[0x41] = '\x40';  // points at itself
  EXPECT_THAT(FindPciCapability(loop, kPciCapabilityVendorSpecific),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("loops")));
  std::string into_header = PciConfigSpace({PowerManagementCapability()});
  into_header[0x41] = '\x10';
  EXPECT_THAT(FindPciCapability(into_header, kPciCapabilityVendorSpecific),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("into the header")));
  std::string tiny = PciConfigSpace({VgpuCapability("1", "r1")});
  tiny[0x42] = '\x02';
  EXPECT_THAT(FindPciCapability(tiny, kPciCapabilityVendorSpecific),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("length 2")));
}

TEST(FindPciCapability, EveryTruncationIsAnErrorOrAMissNeverARead) {
  // Under AddressSanitizer a read past the string would abort here.
  const std::string full =
      PciConfigSpace({PowerManagementCapability(), VgpuCapability("550.54.16", "r550_40")});
  for (size_t n = 0; n < full.size(); ++n) {
    const std::string cut = full.substr(0, n);  // own allocation of exactly n bytes
    auto cap = FindPciCapability(cut, kPciCapabilityVendorSpecific);
    if (cap.ok() && cap->has_value()) {
      EXPECT_LE((*cap)->data() + (*cap)->size(), cut.data() + cut.size());
    }
  }
}

TEST(PciSysfs, ListsNvidiaFunctionsAndReadsTheirConfig) {
  testing::FixtureTree tree;
  tree.AddFile("/sys/bus/pci/devices/0000:3b:00.0/vendor", "0x10de\n");
  tree.AddFile("/sys/bus/pci/devices/0000:3b:00.0/config", std::string("\xde\x10", 2));
  tree.AddFile("/sys/bus/pci/devices/0000:00:1f.0/vendor", "0x8086\n");
  tree.AddFile("/sys/bus/pci/devices/0000:17:00.0/vendor", "0x10DE\n");
  tree.AddDirectory("/sys/bus/pci/devices/0000:99:00.0");  // no vendor file
  ASSERT_OK_AND_ASSIGN(HostView view, HostView::AtPrefix(tree.prefix()));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> functions, ListNvidiaPciFunctions(view));
  EXPECT_THAT(functions, ElementsAre("0000:17:00.0", "0000:3b:00.0"));
  ASSERT_OK_AND_ASSIGN(std::string config, ReadPciConfig(view, "0000:3b:00.0"));
  EXPECT_EQ(config, std::string("\xde\x10", 2));
  EXPECT_THAT(ReadPciConfig(view, "0000:17:00.0"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("0000:17:00.0/config")));
}

TEST(PciSysfs, MissingDevicesDirIsNotFound) {
  testing::FixtureTree tree;
  ASSERT_OK_AND_ASSIGN(HostView view, HostView::AtPrefix(tree.prefix()));
  EXPECT_THAT(ListNvidiaPciFunctions(view), StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace gpulet::hostfs

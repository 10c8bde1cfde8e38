#include "hostfs/mountinfo.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::hostfs {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ParseMountInfoTest, ParsesEveryField) {
  absl::StatusOr<std::vector<MountInfoEntry>> entries = ParseMountInfo(
      "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root "
      "rw,errors=continue\n");
  ASSERT_OK(entries);
  ASSERT_EQ(entries->size(), 1u);
  const MountInfoEntry& e = entries->front();
  EXPECT_EQ(e.mount_id, 36);
  EXPECT_EQ(e.parent_id, 35);
  EXPECT_EQ(e.major, 98u);
  EXPECT_EQ(e.minor, 0u);
  EXPECT_EQ(e.root, "/mnt1");
  EXPECT_EQ(e.mount_point, "/mnt2");
  EXPECT_EQ(e.mount_options, "rw,noatime");
  EXPECT_THAT(e.optional_fields, ElementsAre("master:1"));
  EXPECT_EQ(e.fs_type, "ext3");
  EXPECT_EQ(e.source, "/dev/root");
  EXPECT_EQ(e.super_options, "rw,errors=continue");
}

TEST(ParseMountInfoTest, GoodInputs) {
  struct Case { const char* name; const char* text; size_t count; const char* last_point; };
  for (const Case& c : {
           Case{"no optional fields", "1 0 8:1 / / rw - ext4 /dev/sda1 rw", 1, "/"},
           Case{"several optional fields",
                "2 1 0:5 / /dev rw shared:2 master:7 propagate_from:1 - devtmpfs udev rw",
                1, "/dev"},
           Case{"escaped space and backslash",
                "3 1 0:6 / /mnt/a\\040b\\134c rw - tmpfs none rw", 1, "/mnt/a b\\c"},
           Case{"blank lines and no final newline",
                "\n1 0 8:1 / / rw - ext4 /dev/sda1 rw\n\n4 1 0:7 / /run rw - tmpfs tmpfs rw",
                2, "/run"},
           Case{"largest device numbers", "5 1 4095:1048575 / /x rw - tmpfs t rw", 1, "/x"},
           Case{"nsfs root", "6 1 0:4 net:[4026531840] /run/netns/a rw - nsfs nsfs rw",
                1, "/run/netns/a"}}) {
    absl::StatusOr<std::vector<MountInfoEntry>> entries = ParseMountInfo(c.text);
    ASSERT_OK(entries) << c.name;
    EXPECT_EQ(entries->size(), c.count) << c.name;
    EXPECT_EQ(entries->back().mount_point, c.last_point) << c.name;
  }
}

TEST(ParseMountInfoTest, MalformedInputsNameTheLine) {
  const std::string good = "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n";
  struct Case { const char* name; std::string text; const char* message; };
  for (const Case& c : {
           Case{"empty", "", "no mount entry"},
           Case{"only blanks", "\n \n", "no mount entry"},
           Case{"truncated line", good + "2 1 0:5 / /dev rw", "line 2: no \"-\""},
           Case{"missing super options", good + "2 1 0:5 / /dev rw - devtmpfs udev",
                "line 2: expected 3 fields after"},
           Case{"extra field after separator", "2 1 0:5 / /dev rw - a b c d",
                "line 1: expected 3 fields after"},
           Case{"too few leading fields", "2 1 0:5 / - devtmpfs udev rw",
                "line 1: fewer than 6 fields"},
           Case{"non-numeric id", "x 1 0:5 / /dev rw - devtmpfs udev rw",
                "line 1: mount id"},
           Case{"negative id", "-2 1 0:5 / /dev rw - devtmpfs udev rw", "line 1: mount id"},
           Case{"huge id", "99999999999 1 0:5 / /dev rw - devtmpfs udev rw",
                "line 1: mount id"},
           Case{"no colon in device", "2 1 05 / /dev rw - devtmpfs udev rw",
                "bad major:minor \"05\""},
           Case{"huge minor", "2 1 0:1048576 / /dev rw - devtmpfs udev rw",
                "bad major:minor"},
           Case{"huge major", "2 1 4096:0 / /dev rw - devtmpfs udev rw", "bad major:minor"},
           Case{"empty minor", "2 1 0: / /dev rw - devtmpfs udev rw", "bad major:minor"},
           Case{"short escape", "2 1 0:5 / /a\\04 rw - tmpfs t rw", "bad octal escape"},
           Case{"non-octal escape", "2 1 0:5 / /a\\089 rw - tmpfs t rw", "bad octal escape"},
           Case{"escape out of byte range", "2 1 0:5 / /a\\777 rw - tmpfs t rw",
                "bad octal escape"},
           Case{"relative mount point", "2 1 0:5 / dev rw - tmpfs t rw", "not absolute"}}) {
    EXPECT_THAT(ParseMountInfo(c.text),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.name;
  }
}

TEST(ParseMountInfoTest, ErrorQuotesTheLine) {
  EXPECT_THAT(ParseMountInfo("7 1 0:5 / /dev rw"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"7 1 0:5 / /dev rw\"")));
}

TEST(FindDevMountPointsTest, KeepsTmpfsDevMountsBelowOtherDirs) {
  absl::StatusOr<std::vector<MountInfoEntry>> entries = ParseMountInfo(
      "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
      "2 1 0:5 / /dev rw - devtmpfs udev rw\n"
      "3 1 0:6 / /run/nvidia/driver/dev rw - tmpfs tmpfs rw\n"
      "4 1 0:7 / /host/dev rw - devtmpfs udev rw\n"
      "5 1 0:8 / /run/nvidia/driver/dev rw - tmpfs tmpfs rw\n"
      "6 1 0:9 / /srv/dev rw - ext4 /dev/sdb rw\n"
      "7 1 0:10 / /srv/device rw - tmpfs tmpfs rw\n"
      "8 1 0:11 / /run/nvidia/driver/dev/shm rw - tmpfs tmpfs rw\n");
  ASSERT_OK(entries);
  EXPECT_THAT(FindDevMountPoints(*entries),
              ElementsAre("/run/nvidia/driver/dev", "/host/dev"));
}

}  // namespace
}  // namespace gpulet::hostfs

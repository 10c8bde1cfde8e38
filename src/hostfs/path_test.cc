#include "hostfs/path.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::hostfs {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

TEST(NormalizeAbsolutePathTest, FoldsSlashesDotsAndDotDots) {
  struct Case { const char* in; const char* out; };
  for (const Case& c : {Case{"/", "/"}, Case{"//", "/"}, Case{"/a/", "/a"},
                        Case{"/a//b/./c/../", "/a/b"}, Case{"/..", "/"},
                        Case{"/a/../../b", "/b"}}) {
    absl::StatusOr<std::string> got = NormalizeAbsolutePath(c.in);
    ASSERT_OK(got);
    EXPECT_EQ(*got, c.out) << c.in;
  }
}

TEST(NormalizeAbsolutePathTest, RejectsRelativeEmptyAndNul) {
  EXPECT_THAT(NormalizeAbsolutePath(""), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(NormalizeAbsolutePath("run/nvidia"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"run/nvidia\"")));
  EXPECT_THAT(NormalizeAbsolutePath(std::string_view("/a\0b", 4)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("NUL")));
}

TEST(JoinPathTest, TreatsRestAsRelative) {
  EXPECT_EQ(JoinPath("/host", "/usr/lib"), "/host/usr/lib");
  EXPECT_EQ(JoinPath("/", "dev"), "/dev");
  EXPECT_EQ(JoinPath("/", "/"), "/");
  EXPECT_EQ(JoinPath("/run/nvidia/driver", "dev/"), "/run/nvidia/driver/dev");
}

TEST(IsUnderRootTest, MatchesOnComponentBoundaries) {
  EXPECT_TRUE(IsUnderRoot("/driver", "/driver"));
  EXPECT_TRUE(IsUnderRoot("/driver/x", "/driver"));
  EXPECT_FALSE(IsUnderRoot("/driver-backup/x", "/driver"));
  EXPECT_FALSE(IsUnderRoot("/dri", "/driver"));
  EXPECT_TRUE(IsUnderRoot("/anything", "/"));
}

TEST(StripRootTest, KeepsALeadingSlash) {
  EXPECT_EQ(StripRoot("/run/nvidia/driver/dev/nvidia0", "/run/nvidia/driver"),
            "/dev/nvidia0");
  EXPECT_EQ(StripRoot("/run/nvidia/driver", "/run/nvidia/driver"), "/");
  EXPECT_EQ(StripRoot("/dev/nvidia0", "/"), "/dev/nvidia0");
  EXPECT_EQ(StripRoot("/driver-backup/a", "/driver"), std::nullopt);
}

}  // namespace
}  // namespace gpulet::hostfs

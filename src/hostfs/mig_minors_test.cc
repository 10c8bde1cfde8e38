#include "hostfs/mig_minors.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::hostfs {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kTwoGpus[] =
    "config 1\n"
    "monitor 2\n"
    "gpu0/gi1/access 12\n"
    "gpu0/gi1/ci0/access 13\n"
    "gpu0/gi2/access 21\n"
    "gpu1/gi1/access 147\n"
    "gpu1/gi1/ci1/access 149\n";

TEST(ParseMigMinorsTest, LooksUpInstancesAndNamedCaps) {
  ASSERT_OK_AND_ASSIGN(MigMinors minors, ParseMigMinors(kTwoGpus));
  EXPECT_EQ(minors.Find({0, 1, std::nullopt}), 12);
  EXPECT_EQ(minors.Find({0, 1, 0}), 13);
  EXPECT_EQ(minors.Find({1, 1, 1}), 149);
  EXPECT_EQ(minors.Find({1, 2, std::nullopt}), std::nullopt);
  EXPECT_EQ(minors.Find({0, 2, 0}), std::nullopt);
  EXPECT_EQ(minors.FindNamed("config"), 1);
  EXPECT_EQ(minors.FindNamed("monitor"), 2);
  EXPECT_EQ(minors.FindNamed("fabric-imex-mgmt"), std::nullopt);
  EXPECT_EQ(minors.instance_caps().size(), 5u);
  EXPECT_EQ(MigMinors::DeviceNodeName(13), "nvidia-caps/nvidia-cap13");
}

TEST(ParseMigMinorsTest, GoodInputs) {
  struct Case { const char* name; const char* text; MigCapId id; int minor; };
  for (const Case& c : {
           Case{"no final newline", "gpu0/gi0/access 3", {0, 0, std::nullopt}, 3},
           Case{"tabs and blank lines", "\nconfig\t1\n\ngpu2/gi7/ci3/access\t99\n",
                {2, 7, 3}, 99},
           Case{"largest minor", "gpu254/gi14/ci7/access 1048575", {254, 14, 7}, 1048575},
           Case{"unknown named cap kept", "fabric-imex-mgmt 4\ngpu0/gi0/access 5",
                {0, 0, std::nullopt}, 5}}) {
    absl::StatusOr<MigMinors> minors = ParseMigMinors(c.text);
    ASSERT_OK(minors) << c.name;
    EXPECT_EQ(minors->Find(c.id), c.minor) << c.name;
  }
}

TEST(ParseMigMinorsTest, MalformedInputsNameTheLine) {
  struct Case { const char* name; const char* text; const char* message; };
  for (const Case& c : {
           Case{"empty", "", "no entry"},
           Case{"only blanks", " \n\t\n", "no entry"},
           Case{"missing minor", "config 1\ngpu0/gi1/access", "line 2: expected"},
           Case{"extra field", "gpu0/gi1/access 12 13", "line 1: expected"},
           Case{"negative minor", "config -1", "line 1: minor \"-1\""},
           Case{"huge minor", "monitor 1048576", "minor \"1048576\""},
           Case{"overflowing minor", "monitor 99999999999999999999", "line 1: minor"},
           Case{"hex minor", "monitor 0x2", "minor \"0x2\""},
           Case{"truncated name", "config 1\nmonitor 2\ngpu0/gi 3", "line 3: name \"gpu0/gi\""},
           Case{"missing access", "gpu0/gi1/ci0 3", "name \"gpu0/gi1/ci0\""},
           Case{"bad gpu number", "gpuX/gi1/access 3", "name"},
           Case{"huge gi", "gpu0/gi99999999999/access 3", "name"},
           Case{"wrong tag", "gpu0/ci1/gi0/access 3", "name"},
           Case{"extra component", "gpu0/gi1/ci0/x/access 3", "name"},
           Case{"duplicate instance", "gpu0/gi1/access 3\ngpu0/gi1/access 4",
                "line 2: \"gpu0/gi1/access\" is listed twice"},
           Case{"duplicate named", "config 1\nconfig 2", "line 2: \"config\" is listed twice"}}) {
    EXPECT_THAT(ParseMigMinors(c.text),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.name;
  }
}

TEST(MigCapIdTest, ToStringMatchesTheFileSyntax) {
  EXPECT_EQ((MigCapId{0, 1, std::nullopt}).ToString(), "gpu0/gi1/access");
  EXPECT_EQ((MigCapId{3, 2, 0}).ToString(), "gpu3/gi2/ci0/access");
  EXPECT_LT((MigCapId{0, 1, std::nullopt}), (MigCapId{0, 1, 0}));
}

}  // namespace
}  // namespace gpulet::hostfs

#include "config/go_values.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(GoValuesTest, ParsesStrconvBooleanSpellingsOnly) {
  for (const char* text : {"1", "t", "T", "TRUE", "true", "True"}) {
    absl::StatusOr<bool> parsed = ParseGoBool(text);
    ASSERT_TRUE(parsed.ok()) << text;
    EXPECT_TRUE(*parsed) << text;
  }
  for (const char* text : {"0", "f", "F", "FALSE", "false", "False"}) {
    absl::StatusOr<bool> parsed = ParseGoBool(text);
    ASSERT_TRUE(parsed.ok()) << text;
    EXPECT_FALSE(*parsed) << text;
  }
  for (const char* text : {"", "yes", "tRUE", " true", "2"}) {
    absl::StatusOr<bool> parsed = ParseGoBool(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().message(),
              std::string("expected true or false, got \"") + text + "\"");
  }
}

TEST(GoValuesTest, SplitsTrimsAndDropsEmptyItems) {
  EXPECT_THAT(SplitSliceItems(" a , b,,c ,", ","), ElementsAre("a", "b", "c"));
  EXPECT_THAT(SplitSliceItems("", ","), IsEmpty());
  EXPECT_THAT(SplitSliceItems(" , ,", ","), IsEmpty());
  // Names split only at ','; a MIG id stays whole. Paths also split at ':'.
  EXPECT_THAT(SplitSliceItems("0:1,2", ","), ElementsAre("0:1", "2"));
  EXPECT_THAT(SplitSliceItems("/a:/b,/c", ",:"), ElementsAre("/a", "/b", "/c"));
}

}  // namespace
}  // namespace gpulet

#include "base/repeat_filter.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(RepeatFilterTest, PassesALineOnceWhileItRepeats) {
  RepeatFilter filter;
  EXPECT_THAT(filter.Fresh({"GPU 5 has no MIG devices"}),
              ElementsAre("GPU 5 has no MIG devices"));
  EXPECT_THAT(filter.Fresh({"GPU 5 has no MIG devices"}), IsEmpty());
  EXPECT_THAT(filter.Fresh({"GPU 5 has no MIG devices", "GPU 6 lost"}),
              ElementsAre("GPU 6 lost"));
}

TEST(RepeatFilterTest, ALineThatComesBackIsNewAgain) {
  RepeatFilter filter;
  filter.Fresh({"a"});
  EXPECT_THAT(filter.Fresh({}), IsEmpty());
  EXPECT_THAT(filter.Fresh({"a"}), ElementsAre("a"));
}

TEST(RepeatFilterTest, DuplicatesInOneReportPassOnce) {
  RepeatFilter filter;
  EXPECT_THAT(filter.Fresh({"b", "a", "b"}), ElementsAre("b", "a"));
}

}  // namespace
}  // namespace gpulet

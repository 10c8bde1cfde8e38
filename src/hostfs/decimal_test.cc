#include "hostfs/decimal.h"

#include "gtest/gtest.h"

namespace gpulet::hostfs {
namespace {

TEST(ParseDecimalTest, AcceptsPlainDigitsUpToMax) {
  EXPECT_EQ(ParseDecimal("0", 10), 0u);
  EXPECT_EQ(ParseDecimal("10", 10), 10u);
  EXPECT_EQ(ParseDecimal("007", 10), 7u);
  EXPECT_EQ(ParseDecimal("4294967295", 4294967295u), 4294967295u);
}

TEST(ParseDecimalTest, RejectsEverythingElse) {
  for (const char* text : {"", "11", "-1", "+1", " 1", "1 ", "0x1", "1a",
                           "4294967296", "99999999999999999999"}) {
    EXPECT_EQ(ParseDecimal(text, 10), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace gpulet::hostfs

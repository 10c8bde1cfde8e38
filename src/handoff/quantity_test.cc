#include "handoff/quantity.h"

#include <limits>

#include "base/status_matchers.h"
#include "gtest/gtest.h"

namespace gpulet::handoff {
namespace {

using ::gpulet::testing::StatusIs;

struct Case {
  const char* text;
  int64_t value;
  int64_t milli;
  bool whole;
};

TEST(QuantityTest, ParsesEveryFormKubernetesWrites) {
  const Case cases[] = {
      {"0", 0, 0, true},
      {"2", 2, 2000, true},
      {"+3", 3, 3000, true},
      {"500m", 1, 500, false},
      {"7800m", 8, 7800, false},
      {"1.5", 2, 1500, false},
      {"0.1", 1, 100, false},
      {".5", 1, 500, false},
      {"5.", 5, 5000, true},
      {"1k", 1000, 1000000, true},
      {"20k", 20000, 20000000, true},
      {"3M", 3000000, 3000000000, true},
      {"1Ki", 1024, 1024000, true},
      {"64Gi", int64_t{64} << 30, (int64_t{64} << 30) * 1000, true},
      {"527841608Ki", int64_t{527841608} * 1024, int64_t{527841608} * 1024 * 1000, true},
      {"1e3", 1000, 1000000, true},
      {"1E-3", 1, 1, false},
      {"12n", 1, 1, false},
      {"7u", 1, 1, false},
      {"1.5Gi", int64_t{3} << 29, (int64_t{3} << 29) * 1000, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    ASSERT_OK_AND_ASSIGN(Quantity q, Quantity::Parse(c.text));
    EXPECT_EQ(q.Value(), c.value);
    EXPECT_EQ(q.MilliValue(), c.milli);
    EXPECT_EQ(q.IsWhole(), c.whole);
    EXPECT_FALSE(q.IsNegative());
  }
}

TEST(QuantityTest, NegativeValuesRoundTowardsPositiveInfinity) {
  ASSERT_OK_AND_ASSIGN(Quantity q, Quantity::Parse("-1.5"));
  EXPECT_TRUE(q.IsNegative());
  EXPECT_EQ(q.Value(), -1);
  EXPECT_EQ(q.MilliValue(), -1500);
}

TEST(QuantityTest, BelowNanoPrecisionRoundsUp) {
  ASSERT_OK_AND_ASSIGN(Quantity q, Quantity::Parse("0.1n"));
  EXPECT_EQ(q.MilliValue(), 1);
  EXPECT_FALSE(q.IsWhole());
  ASSERT_OK_AND_ASSIGN(Quantity zero, Quantity::Parse("0e-100"));
  EXPECT_EQ(zero.Value(), 0);
}

TEST(QuantityTest, LargestValueFitsInt64) {
  ASSERT_OK_AND_ASSIGN(Quantity q, Quantity::Parse("9223372036854775807"));
  EXPECT_EQ(q.Value(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(q.MilliValue(), std::numeric_limits<int64_t>::max());  // saturates
}

TEST(QuantityTest, RejectsMalformedText) {
  for (const char* text : {"", "-", "+", ".", "m", "1x", "1 Gi", "1Gi ", " 1", "1..2", "1.2.3",
                           "1e", "1e+", "1e1234", "1KiB", "0x10", "1i", "--1", "1e3m",
                           "99999999999999999999", "9223372036854775808", "100Ei", "1e30",
                           "123456789012345678901234567890123456789012"}) {
    SCOPED_TRACE(text);
    EXPECT_THAT(Quantity::Parse(text), StatusIs(absl::StatusCode::kInvalidArgument));
  }
}

TEST(QuantityTest, ErrorNamesTheText) {
  absl::StatusOr<Quantity> q = Quantity::Parse("12parsecs");
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("\"12parsecs\""), std::string_view::npos);
  EXPECT_NE(q.status().message().find("unknown suffix"), std::string_view::npos);
}

}  // namespace
}  // namespace gpulet::handoff

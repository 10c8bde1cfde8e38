#include "base/duration.h"

#include <chrono>
#include <string>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;
using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

struct GoodCase {
  std::string text;
  nanoseconds want;
};

TEST(ParseGoDurationTest, GoodCases) {
  const GoodCase cases[] = {
      {"0", nanoseconds(0)},
      {"60s", seconds(60)},
      {"1m30s", seconds(90)},
      {"1.5h", minutes(90)},
      {"300ms", milliseconds(300)},
      {"10us", microseconds(10)},
      {"10\xC2\xB5s", microseconds(10)},
      {"7ns", nanoseconds(7)},
      {"2h45m", minutes(165)},
      {"-1s", seconds(-1)},
      {"+5m", minutes(5)},
      {".5s", milliseconds(500)},
      {"1.000000001s", nanoseconds(1000000001)},
      {"2562047h", hours(2562047)},
  };
  for (const GoodCase& c : cases) {
    ASSERT_OK_AND_ASSIGN(nanoseconds got, ParseGoDuration(c.text));
    EXPECT_EQ(got, c.want) << c.text;
  }
}

TEST(ParseGoDurationTest, MalformedInputs) {
  const char* cases[] = {"", "-", "60", "s", "1x", "1.s.", "1h2", "1e3s",
                         "1 s", " 1s", "1s ", "infinite", "9999999999h", ".s"};
  for (const char* text : cases) {
    EXPECT_THAT(ParseGoDuration(text),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("\"" + std::string(text) + "\"")))
        << text;
  }
}

TEST(FormatGoDurationTest, MatchesGo) {
  EXPECT_EQ(FormatGoDuration(seconds(60)), "1m0s");
  EXPECT_EQ(FormatGoDuration(seconds(5)), "5s");
  EXPECT_EQ(FormatGoDuration(minutes(90)), "1h30m0s");
  EXPECT_EQ(FormatGoDuration(milliseconds(1500)), "1.5s");
  EXPECT_EQ(FormatGoDuration(milliseconds(300)), "300ms");
  EXPECT_EQ(FormatGoDuration(nanoseconds(0)), "0s");
  EXPECT_EQ(FormatGoDuration(nanoseconds(12)), "12ns");
  EXPECT_EQ(FormatGoDuration(seconds(-2)), "-2s");
}

TEST(FormatGoDurationTest, RoundTrips) {
  for (nanoseconds d : {nanoseconds(1), nanoseconds(1234567), nanoseconds(3723000000001),
                        nanoseconds(hours(100))}) {
    ASSERT_OK_AND_ASSIGN(nanoseconds back, ParseGoDuration(FormatGoDuration(d)));
    EXPECT_EQ(back, d);
  }
}

}  // namespace
}  // namespace gpulet

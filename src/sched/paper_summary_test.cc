#include "sched/paper_summary.h"

#include "base/status_matchers.h"
#include "gtest/gtest.h"

namespace gpulet::sched {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kSummary[] =
    "workload,sc_policy,n_seeds,mean_100,mean_130,std_100,std_130\n"
    "openb_pod_list_default,06-FGD,10,94.1,95.39,0.2,0.27\n";

TEST(PaperSummaryTest, FindsCells) {
  ASSERT_OK_AND_ASSIGN(PaperSummary summary, PaperSummary::Parse(kSummary, "s"));
  std::optional<PaperCell> cell =
      summary.Find("openb_pod_list_default", "06-FGD", 130);
  ASSERT_TRUE(cell.has_value());
  EXPECT_DOUBLE_EQ(cell->mean, 95.39);
  EXPECT_DOUBLE_EQ(cell->std, 0.27);
  EXPECT_FALSE(summary.Find("openb_pod_list_default", "05-BestFit", 130));
}

TEST(PaperSummaryTest, ToleranceIsTwoStdOrHalfAPoint) {
  EXPECT_TRUE(WithinTolerance(95.9, {95.5, 0.1}));
  EXPECT_FALSE(WithinTolerance(96.1, {95.5, 0.1}));
  EXPECT_TRUE(WithinTolerance(94.35, {95.5, 0.6}));
  EXPECT_FALSE(WithinTolerance(94.2, {95.5, 0.6}));
}

TEST(PaperSummaryTest, MalformedInputNamesLine) {
  EXPECT_THAT(PaperSummary::Parse("a,b\n", "s.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("s.csv:1")));
  EXPECT_THAT(PaperSummary::Parse(
                  "workload,sc_policy,n_seeds,mean_100\nw,p,10\n", "s.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("s.csv:2: expected 4 fields")));
  EXPECT_THAT(PaperSummary::Parse(
                  "workload,sc_policy,n_seeds,mean_100\nw,p,10,x\n", "s.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("s.csv:2: not a number")));
}

}  // namespace
}  // namespace gpulet::sched

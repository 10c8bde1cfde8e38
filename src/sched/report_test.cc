#include "sched/report.h"

#include "base/status_matchers.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace gpulet::sched {
namespace {

using ::testing::HasSubstr;

std::vector<PolicySummary> OneSummary() {
  PolicySummary s{"openb_pod_list_default", "fgd", {}};
  s.by_bucket.resize(131);
  s.by_bucket[100] = {94.5, 0.2, 10};
  s.by_bucket[130] = {95.0, 0.3, 10};
  return {s};
}

TEST(ReportTest, TableComparesWithThePaper) {
  ASSERT_OK_AND_ASSIGN(
      PaperSummary paper,
      PaperSummary::Parse("workload,sc_policy,n_seeds,mean_100,mean_130,std_100,"
                          "std_130\nopenb_pod_list_default,06-FGD,10,94.4,"
                          "95.39,0.1,0.1\n",
                          "s"));
  std::string table = FormatTable(OneSummary(), &paper);
  EXPECT_THAT(table, HasSubstr("| openb_pod_list_default | fgd | 94.50 ± 0.20 |"
                               " 94.40 ± 0.10 | +0.10 | yes |"));
  EXPECT_THAT(table, HasSubstr("95.39 ± 0.10 | -0.39 | yes |"));
  EXPECT_THAT(table, HasSubstr("2 of 2 cells"));
}

TEST(ReportTest, TableWithoutPaperHasOnlyOurColumns) {
  std::string table = FormatTable(OneSummary(), nullptr);
  EXPECT_THAT(table, HasSubstr("| fgd | 94.50 ± 0.20 | 95.00 ± 0.30 |\n"));
  EXPECT_EQ(table.find("paper"), std::string::npos);
}

TEST(ReportTest, JsonHasMeanAndStdPerArrival) {
  nlohmann::json j = nlohmann::json::parse(FormatJson(OneSummary(), nullptr));
  EXPECT_EQ(j["results"][0]["policy"], "fgd");
  EXPECT_DOUBLE_EQ(j["results"][0]["arrival"]["130"]["mean"].get<double>(), 95.0);
  EXPECT_EQ(j["results"][0]["arrival"]["100"]["seeds"], 10);
}

TEST(ReportTest, RunsCsvFollowsTheArtifactLayout) {
  std::vector<TraceWorkload> workloads(1);
  workloads[0].name = "w";
  std::vector<RunOutcome> outcomes(1);
  outcomes[0].key = {0, "bestfit", 42};
  outcomes[0].result.allocation_by_bucket = {0, NAN, 1.5};
  EXPECT_EQ(FormatRunsCsv(workloads, outcomes, 1.3, 6212000),
            "workload,sc_policy,tune,seed,total_gpus,0,1,2\n"
            "w,05-BestFit,1.3,42,6212,0.0000,,1.5000\n");
}

}  // namespace
}  // namespace gpulet::sched

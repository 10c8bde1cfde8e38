#include "cli/simulate_gangs.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace gpulet::cli {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

TEST(GangOptionsFromFlagsTest, DefaultsParse) {
  ASSERT_OK_AND_ASSIGN(sched::GangWorkloadOptions options,
                       GangOptionsFromFlags(GangFlags{}, 512));
  EXPECT_EQ(options.min_pods, 1);
  EXPECT_EQ(options.max_pods, 16);
  EXPECT_EQ(options.pod_gpus, (std::vector<int>{1, 2, 4, 8}));
  ASSERT_EQ(options.queues.size(), 2u);
  EXPECT_EQ(options.queues[0].name, "research");
  EXPECT_EQ(options.cluster_gpus, 512);
}

TEST(GangOptionsFromFlagsTest, MalformedFlagsAreNamed) {
  struct Case {
    GangFlags flags;
    const char* flag;
  };
  std::vector<Case> cases;
  auto with = [&](auto change, const char* flag) {
    GangFlags flags;
    change(flags);
    cases.push_back({flags, flag});
  };
  with([](GangFlags& f) { f.jobs = 0; }, "--gang-jobs");
  with([](GangFlags& f) { f.gang_share = 1.5; }, "--gang-share");
  with([](GangFlags& f) { f.job_pods = "16-1"; }, "--job-pods");
  with([](GangFlags& f) { f.job_pods = "x"; }, "--job-pods");
  with([](GangFlags& f) { f.pod_gpus = "1,,2"; }, "--pod-gpus");
  with([](GangFlags& f) { f.pod_gpus = "0"; }, "--pod-gpus");
  with([](GangFlags& f) { f.queues = "a:0"; }, "--queues");
  with([](GangFlags& f) { f.queues = ""; }, "--queues");
  with([](GangFlags& f) { f.arrival_rate = -1; }, "--arrival-rate");
  with([](GangFlags& f) { f.job_minutes = 0; }, "--job-minutes");
  with([](GangFlags& f) { f.high_priority_share = -0.1; }, "--high-priority-share");
  for (const Case& c : cases) {
    EXPECT_THAT(GangOptionsFromFlags(c.flags, 512),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.flag)))
        << c.flag;
  }
}

TEST(RunGangSimulationTest, UnknownPolicyIsRefusedWithTheKnownOnes) {
  GangRunPlan plan;
  plan.policies = {"gpulet", "nope"};
  plan.seeds = {1};
  EXPECT_THAT(RunGangSimulation(GangFlags{}, plan),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown policy 'nope'")));
}

TEST(FormatGangJsonTest, OneStableEntryPerPolicy) {
  sched::GangWorkloadOptions options;
  sched::GangRunResult result;
  result.jobs = 10;
  result.jobs_started_whole = 9;
  result.partial_gangs = 0;
  result.allocation_series = {0.5, 0.75};
  result.queues = {{"research", 0.7, 0.6}, {"batch", 0.3, 0.4}};
  std::string text = FormatGangJson(options, {42, 43}, {"gpulet", "volcano"},
                                    {result, result});
  nlohmann::json report = nlohmann::json::parse(text);
  for (const char* policy : {"gpulet", "volcano"}) {
    SCOPED_TRACE(policy);
    ASSERT_TRUE(report["policies"].contains(policy)) << text.substr(0, 400);
    const nlohmann::json* entry = &report["policies"][policy];
    for (const char* key : {"allocation_ratio_mean", "allocation_ratio_series",
                            "jobs_started_whole", "partial_gangs",
                            "gpu_seconds_held_waiting", "queue_share_mad_points",
                            "queues", "wait_p50_s", "wait_p99_s"}) {
      EXPECT_TRUE(entry->contains(key)) << key;
    }
    EXPECT_EQ((*entry)["partial_gangs"], 0);
  }
  EXPECT_EQ(report["seeds"], nlohmann::json({42, 43}));
  EXPECT_TRUE(report["workload"].contains("queues"));
  // Deterministic: the same input prints the same bytes.
  EXPECT_EQ(text, FormatGangJson(options, {42, 43}, {"gpulet", "volcano"},
                                 {result, result}));
  std::string table = FormatGangTable({"gpulet", "volcano"}, {result, result});
  EXPECT_THAT(table, HasSubstr("gpulet"));
  EXPECT_THAT(table, HasSubstr("volcano"));
}

}  // namespace
}  // namespace gpulet::cli

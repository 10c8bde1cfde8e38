#include "sched/experiment.h"

#include <cmath>

#include "base/status_matchers.h"
#include "gtest/gtest.h"
#include "sched/test_trace.h"

namespace gpulet::sched {
namespace {

std::vector<RunKey> Keys() {
  std::vector<RunKey> keys;
  for (const char* policy : {"fgd", "bestfit", "random"}) {
    for (uint64_t seed = 1; seed <= 4; ++seed) keys.push_back({0, policy, seed});
  }
  return keys;
}

TEST(ExperimentTest, ThreadCountDoesNotChangeOutcomes) {
  TraceCluster cluster = testing::SyntheticCluster();
  std::vector<TraceWorkload> workloads = {testing::SyntheticWorkload(cluster)};
  int calls = 0;
  ExperimentOptions serial;
  ExperimentOptions parallel;
  parallel.threads = 3;
  parallel.progress = [&](int done, int total) {
    ++calls;
    EXPECT_LE(done, total);
  };
  ASSERT_OK_AND_ASSIGN(auto a, RunExperiments(cluster, workloads, Keys(), serial));
  ASSERT_OK_AND_ASSIGN(auto b, RunExperiments(cluster, workloads, Keys(), parallel));
  EXPECT_EQ(calls, 12);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].key.policy, b[i].key.policy);
    EXPECT_EQ(a[i].result.allocated_gpu_milli, b[i].result.allocated_gpu_milli);
  }
}

TEST(ExperimentTest, SummarizeGivesMeanAndPopulationStd) {
  std::vector<TraceWorkload> workloads(1);
  workloads[0].name = "w";
  std::vector<RunOutcome> outcomes(2);
  outcomes[0].key = {0, "fgd", 1};
  outcomes[0].result.allocation_by_bucket = {NAN, 90};
  outcomes[1].key = {0, "fgd", 2};
  outcomes[1].result.allocation_by_bucket = {50, 94};
  std::vector<PolicySummary> s = Summarize(workloads, outcomes);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].workload, "w");
  EXPECT_DOUBLE_EQ(s[0].by_bucket[1].mean, 92);
  EXPECT_DOUBLE_EQ(s[0].by_bucket[1].std, 2);
  EXPECT_EQ(s[0].by_bucket[0].seeds, 1);
}

TEST(ExperimentTest, FailingRunIsReported) {
  TraceCluster cluster = testing::SyntheticCluster();
  std::vector<TraceWorkload> workloads = {testing::SyntheticWorkload(cluster)};
  EXPECT_THAT(RunExperiments(cluster, workloads, {{0, "nope", 1}}, {}),
              gpulet::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                        ::testing::HasSubstr("nope")));
}

}  // namespace
}  // namespace gpulet::sched

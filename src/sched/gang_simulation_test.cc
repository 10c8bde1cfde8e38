#include "sched/gang_simulation.h"

#include <string>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sched/gang_scheduler.h"

namespace gpulet::sched {
namespace {

using ::gpulet::testing::StatusIs;

GangJob Job(bool gang, int pods, int gpus, int64_t arrival_s,
            int64_t duration_s, int queue = 0) {
  GangJob job;
  job.queue = queue;
  job.gang = gang;
  job.pods = pods;
  job.pod = PodRequest{1000L * gpus, 1024L * gpus, gpus, kMilliPerGpu, 0};
  job.arrival_s = arrival_s;
  job.duration_s = duration_s;
  return job;
}

TraceCluster Cluster(int nodes, int gpus) {
  return SyntheticGangCluster(nodes, gpus, GangWorkloadOptions());
}

// Two 4-GPU nodes. A single 2-GPU pod runs first; gang A (2 x 4 GPUs) and
// gang B (4 x 2 GPUs) each fit the idle cluster alone, but placed member by
// member they split it between them and neither can ever complete.
GangWorkload DeadlockWorkload() {
  GangWorkload workload;
  workload.queues = {{"default", 1}};
  workload.jobs = {Job(false, 1, 2, 0, 100), Job(true, 2, 4, 10, 600),
                   Job(true, 4, 2, 20, 600)};
  return workload;
}

TEST(SimulateGangsTest, PerPodPlacementDeadlocksTwoGangs) {
  GangWorkload workload = DeadlockWorkload();
  ASSERT_OK_AND_ASSIGN(GangRunResult result,
                       SimulateGangs(Cluster(2, 4), workload, "fgd-pods", 42));
  EXPECT_EQ(result.jobs, 3);
  EXPECT_EQ(result.jobs_started_whole, 1);
  EXPECT_EQ(result.partial_gangs, 2);
  // Deadlocked: the run only ends at the cap, both gangs holding GPUs.
  EXPECT_EQ(result.horizon_s, 2 * 20 + 24 * 3600);
  EXPECT_GT(result.gpu_seconds_held_waiting, 8.0 * 24 * 3600);
  EXPECT_DOUBLE_EQ(result.allocation_series.back(), 1.0);
}

TEST(SimulateGangsTest, GangSchedulersRunBothGangsWhole) {
  GangWorkload workload = DeadlockWorkload();
  for (const char* policy : {"gpulet", "volcano"}) {
    ASSERT_OK_AND_ASSIGN(GangRunResult result,
                         SimulateGangs(Cluster(2, 4), workload, policy, 42));
    EXPECT_EQ(result.jobs_started_whole, 3) << policy;
    EXPECT_EQ(result.partial_gangs, 0) << policy;
    EXPECT_EQ(result.gpu_seconds_held_waiting, 0) << policy;
    // A waits for the single pod (t = 100), B for A (t = 700).
    EXPECT_EQ(result.horizon_s, 1300) << policy;
    EXPECT_DOUBLE_EQ(result.wait_p99_s, 680) << policy;
  }
}

// Both queues keep far more 1-GPU jobs waiting than the cluster runs.
GangWorkload SustainedDemand() {
  GangWorkload workload;
  workload.queues = {{"research", 3}, {"batch", 1}};
  for (int i = 0; i < 3000; ++i) {
    workload.jobs.push_back(Job(false, 1, 1, 2 * i, 300, i % 2));
  }
  return workload;
}

TEST(SimulateGangsTest, GpuletQueueSharesConvergeToTheWeights) {
  GangWorkload workload = SustainedDemand();
  ASSERT_OK_AND_ASSIGN(GangRunResult result,
                       SimulateGangs(Cluster(4, 8), workload, "gpulet", 1));
  ASSERT_EQ(result.queues.size(), 2u);
  EXPECT_EQ(result.queues[0].name, "research");
  EXPECT_NEAR(result.queues[0].deserved_share, 0.75, 0.02);
  EXPECT_NEAR(result.queues[0].allocated_share, 0.75, 0.03);
  EXPECT_NEAR(result.queues[1].allocated_share, 0.25, 0.03);
  EXPECT_LT(result.queue_share_mad_points, 3);
  EXPECT_GT(result.allocation_ratio_mean, 0.97);
}

TEST(SimulateGangsTest, DeterministicPerSeed) {
  GangWorkloadOptions options;
  options.jobs = 150;
  options.cluster_gpus = 64;
  ASSERT_OK_AND_ASSIGN(GangWorkload workload, GenerateGangWorkload(options, 5));
  for (const std::string& policy : GangPolicyNames()) {
    ASSERT_OK_AND_ASSIGN(GangRunResult a,
                         SimulateGangs(Cluster(8, 8), workload, policy, 5));
    ASSERT_OK_AND_ASSIGN(GangRunResult b,
                         SimulateGangs(Cluster(8, 8), workload, policy, 5));
    EXPECT_EQ(a.allocation_series, b.allocation_series) << policy;
    EXPECT_EQ(a.wait_p99_s, b.wait_p99_s) << policy;
    EXPECT_EQ(a.partial_gangs, b.partial_gangs) << policy;
    if (policy != "fgd-pods") {
      EXPECT_EQ(a.partial_gangs, 0) << policy;
    }
  }
}

TEST(SimulateGangsTest, RejectsUnknownPolicyAndGpulessCluster) {
  GangWorkload workload = DeadlockWorkload();
  EXPECT_THAT(SimulateGangs(Cluster(2, 4), workload, "fifo", 1),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(SimulateGangs(Cluster(2, 0), workload, "gpulet", 1),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(MeanGangRunsTest, AveragesNumbersAndPadsEndedSeries) {
  GangRunResult a, b;
  a.allocation_series = {1.0, 0.5};
  b.allocation_series = {0.5};
  a.wait_p99_s = 10;
  b.wait_p99_s = 30;
  a.queues = b.queues = {{"q", 0.5, 0.25}};
  b.queues[0].allocated_share = 0.75;
  std::vector<GangRunResult> runs = {a, b};
  GangRunResult mean = MeanGangRuns(runs);
  EXPECT_EQ(mean.allocation_series, (std::vector<double>{0.75, 0.25}));
  EXPECT_EQ(mean.wait_p99_s, 20);
  EXPECT_DOUBLE_EQ(mean.queues[0].allocated_share, 0.5);
}

}  // namespace
}  // namespace gpulet::sched

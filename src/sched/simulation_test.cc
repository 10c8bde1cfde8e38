#include "sched/simulation.h"

#include <cmath>

#include "base/status_matchers.h"
#include "gtest/gtest.h"
#include "sched/paper_baselines.h"
#include "sched/policy_factory.h"
#include "sched/test_cluster.h"
#include "sched/test_trace.h"

namespace gpulet::sched {
namespace {

using testing::MakeNode;
using testing::Pod;

int64_t TotalGpu(const std::vector<PodRequest>& pods) {
  int64_t total = 0;
  for (const PodRequest& pod : pods) total += pod.total_gpu_milli();
  return total;
}

TEST(PrepareArrivalsTest, PadsUpToTheTuneRatio) {
  std::vector<PodRequest> pods(10, Pod(1000, 1, 500));  // 5 GPUs
  Rng rng(42);
  std::vector<PodRequest> arrivals = PrepareArrivals(pods, 10000, 1.3, rng);
  EXPECT_EQ(TotalGpu(arrivals), 13000);  // stops when 13500 would cross 13000
  EXPECT_EQ(arrivals.size(), 26u);
}

TEST(PrepareArrivalsTest, ThinsDownToTheTuneRatio) {
  std::vector<PodRequest> pods(40, Pod(1000, 1, 1000));
  Rng rng(42);
  EXPECT_EQ(TotalGpu(PrepareArrivals(pods, 10000, 1.3, rng)), 13000);
}

TEST(PrepareArrivalsTest, CpuOnlyWorkloadIsNotPadded) {
  std::vector<PodRequest> pods(4, Pod(1000, 0, 0));
  Rng rng(1);
  EXPECT_EQ(PrepareArrivals(pods, 10000, 1.3, rng).size(), 4u);
}

TEST(ReplayTest, RecordsAllocationPerArrivalBucket) {
  std::vector<NodeState> nodes = {MakeNode({1000, 1000})};
  std::vector<PodRequest> arrivals = {Pod(1000, 1, 1000), Pod(1000, 2, 1000),
                                      Pod(1000, 1, 1000)};
  BestFitPolicy policy(1);
  ASSERT_OK_AND_ASSIGN(SimulationResult r, Replay(nodes, arrivals, policy, 2000));
  EXPECT_EQ(r.arrived_pods, 3);
  EXPECT_EQ(r.placed_pods, 2);  // the 2-GPU pod fails, no retry
  EXPECT_EQ(r.allocated_gpu_milli, 2000);
  ASSERT_EQ(r.allocation_by_bucket.size(), 201u);
  EXPECT_DOUBLE_EQ(r.allocation_by_bucket[50], 50);
  EXPECT_DOUBLE_EQ(r.allocation_by_bucket[150], 50);
  EXPECT_DOUBLE_EQ(r.allocation_by_bucket[200], 100);
  EXPECT_TRUE(std::isnan(r.allocation_by_bucket[100]));
}

TEST(SimulateTest, SameSeedSameResultOtherSeedOtherResult) {
  TraceCluster cluster = testing::SyntheticCluster();
  TraceWorkload workload = testing::SyntheticWorkload(cluster);
  TargetWorkload oracle = TargetWorkload::FromPods(workload.pods);
  for (const std::string& policy : PolicyNames()) {
    SCOPED_TRACE(policy);
    ASSERT_OK_AND_ASSIGN(SimulationResult a,
                         Simulate(cluster, workload, oracle, policy, {1.3, 42}));
    ASSERT_OK_AND_ASSIGN(SimulationResult b,
                         Simulate(cluster, workload, oracle, policy, {1.3, 42}));
    EXPECT_EQ(a.allocated_gpu_milli, b.allocated_gpu_milli);
    EXPECT_EQ(a.placed_pods, b.placed_pods);
    EXPECT_GT(a.placed_pods, 0);
    EXPECT_LE(a.allocated_gpu_milli, cluster.gpu_capacity_milli());
    EXPECT_GE(a.arrived_gpu_milli, 1.25 * cluster.gpu_capacity_milli());
  }
}

TEST(SimulateTest, UnknownPolicyIsInvalidArgument) {
  TraceCluster cluster = testing::SyntheticCluster();
  TraceWorkload workload = testing::SyntheticWorkload(cluster);
  EXPECT_THAT(Simulate(cluster, workload, TargetWorkload(), "tetris", {}),
              gpulet::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                        ::testing::HasSubstr("tetris")));
}

}  // namespace
}  // namespace gpulet::sched

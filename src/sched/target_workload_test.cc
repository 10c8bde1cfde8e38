#include "sched/target_workload.h"

#include <vector>

#include "gtest/gtest.h"
#include "sched/test_cluster.h"

namespace gpulet::sched {
namespace {

using testing::Pod;

std::vector<PodRequest> Repeat(const PodRequest& pod, int n) {
  return std::vector<PodRequest>(n, pod);
}

TEST(TargetWorkloadTest, KeepsMostPopularShapesUntilCoverage) {
  std::vector<PodRequest> pods = Repeat(Pod(1000, 1, 500), 60);
  for (const PodRequest& p : Repeat(Pod(2000, 1, 1000), 30)) pods.push_back(p);
  for (const PodRequest& p : Repeat(Pod(4000, 0, 0), 6)) pods.push_back(p);
  for (const PodRequest& p : Repeat(Pod(8000, 8, 1000), 4)) pods.push_back(p);
  TargetWorkload m = TargetWorkload::FromPods(pods);
  ASSERT_EQ(m.shapes().size(), 3u);  // 60 + 30 + 6 = 96 % >= 95 %
  EXPECT_EQ(m.shapes()[0].gpu_milli, 500);
  EXPECT_DOUBLE_EQ(m.shapes()[0].probability, 60.0 / 96);
  EXPECT_DOUBLE_EQ(m.shapes()[2].probability, 6.0 / 96);
  EXPECT_EQ(TargetWorkload::FromPods(pods, 1.0).shapes().size(), 4u);
}

TEST(TargetWorkloadTest, MemoryIsNotPartOfTheShape) {
  std::vector<PodRequest> pods = {Pod(1000, 1, 500, 0, 1), Pod(1000, 1, 500, 0, 2)};
  EXPECT_EQ(TargetWorkload::FromPods(pods).shapes().size(), 1u);
}

TEST(TargetWorkloadTest, ShapeCarriesItsPodsMeanMemory) {
  std::vector<PodRequest> pods = {Pod(1000, 1, 500, 0, 1000),
                                  Pod(1000, 1, 500, 0, 3000),
                                  Pod(2000, 0, 0, 0, 512)};
  TargetWorkload m = TargetWorkload::FromPods(pods, 1.0);
  ASSERT_EQ(m.shapes().size(), 2u);
  EXPECT_EQ(m.shapes()[0].memory_mib, 2000);
  EXPECT_EQ(m.shapes()[1].memory_mib, 512);
}

TEST(TargetWorkloadTest, DemandWeightingScalesByGpuRequest) {
  TargetWorkload m = TargetWorkload::FromShapes({{1000, 250, 1, 0, 0.6},
                                                 {1000, 1000, 2, 0, 0.2},
                                                 {4000, 0, 0, 0, 0.2}});
  TargetWorkload weighted = m.WeightedByGpuDemand();
  // 0.6 * 250 = 150 and 0.2 * 2000 = 400; the CPU-only shape drops out.
  ASSERT_EQ(weighted.shapes().size(), 2u);
  EXPECT_DOUBLE_EQ(weighted.shapes()[0].probability, 150.0 / 550);
  EXPECT_DOUBLE_EQ(weighted.shapes()[1].probability, 400.0 / 550);
  EXPECT_EQ(weighted.shapes()[1].gpu_count, 2);
}

TEST(TargetWorkloadTest, DemandWeightingKeepsAWorkloadWithoutGpus) {
  TargetWorkload cpu_only = TargetWorkload::FromShapes({{4000, 0, 0, 0, 1.0}});
  ASSERT_EQ(cpu_only.WeightedByGpuDemand().shapes().size(), 1u);
  EXPECT_TRUE(TargetWorkload().WeightedByGpuDemand().shapes().empty());
}

TEST(TargetWorkloadTest, LearnerMatchesBatchComputation) {
  std::vector<PodRequest> pods = Repeat(Pod(1000, 1, 500), 5);
  pods.push_back(Pod(3000, 2, 1000));
  TargetWorkloadLearner learner;
  for (const PodRequest& pod : pods) learner.Observe(pod);
  EXPECT_EQ(learner.observed(), 6);
  TargetWorkload online = learner.Current();
  TargetWorkload batch = TargetWorkload::FromPods(pods);
  ASSERT_EQ(online.shapes().size(), batch.shapes().size());
  for (size_t i = 0; i < batch.shapes().size(); ++i) {
    EXPECT_EQ(online.shapes()[i].key(), batch.shapes()[i].key());
    EXPECT_DOUBLE_EQ(online.shapes()[i].probability,
                     batch.shapes()[i].probability);
  }
}

}  // namespace
}  // namespace gpulet::sched

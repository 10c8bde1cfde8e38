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

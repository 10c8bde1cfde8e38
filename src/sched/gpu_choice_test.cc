#include "sched/gpu_choice.h"

#include <set>

#include "gtest/gtest.h"
#include "sched/test_cluster.h"

namespace gpulet::sched {
namespace {

using testing::MakeNode;
using testing::Pod;

TEST(GpuChoiceTest, BestFitTakesTheFullestFittingGpu) {
  NodeState node = MakeNode({1000, 400, 700, 400});
  EXPECT_EQ(BestFitGpus(node, Pod(1000, 1, 300)), 0b0010);  // 400, lowest index
  EXPECT_EQ(BestFitGpus(node, Pod(1000, 1, 500)), 0b0100);  // 700
  EXPECT_EQ(BestFitGpus(node, Pod(1000, 1, 800)), 0b0001);
}

TEST(GpuChoiceTest, WorstFitTakesTheEmptiestFittingGpu) {
  NodeState node = MakeNode({400, 1000, 700, 1000});
  EXPECT_EQ(WorstFitGpus(node, Pod(1000, 1, 300)), 0b0010);
}

TEST(GpuChoiceTest, WholeGpusAreTheLowestFullyFreeOnes) {
  NodeState node = MakeNode({400, 1000, 1000, 700, 1000});
  EXPECT_EQ(BestFitGpus(node, Pod(1000, 2, 1000)), 0b00110);
  EXPECT_EQ(WorstFitGpus(node, Pod(1000, 3, 1000)), 0b10110);
  Rng rng(1);
  EXPECT_EQ(RandomFitGpus(node, Pod(1000, 1, 1000), rng), 0b00010);
  EXPECT_EQ(BestFitGpus(node, Pod(1000, 0, 0)), 0);
}

TEST(GpuChoiceTest, RandomFitCoversEveryFittingGpu) {
  NodeState node = MakeNode({400, 1000, 100, 700});
  Rng rng(7);
  std::set<GpuMask> seen;
  for (int i = 0; i < 200; ++i) seen.insert(RandomFitGpus(node, Pod(0, 1, 300), rng));
  EXPECT_EQ(seen, (std::set<GpuMask>{0b0001, 0b0010, 0b1000}));
}

}  // namespace
}  // namespace gpulet::sched

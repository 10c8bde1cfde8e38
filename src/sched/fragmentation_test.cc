#include "sched/fragmentation.h"

#include <array>

#include "gtest/gtest.h"

namespace gpulet::sched {
namespace {

// A node with three GPUs (1.0, 0.5 and 0.2 free), 10 free cores, model 0.
constexpr std::array<int32_t, 3> kFree = {1000, 500, 200};
const FreeResources kNode{10000, kFree, 0};

WorkloadShape Shape(int64_t cpu, int gpus, int milli, ModelMask models = 0,
                    double p = 1) {
  return {cpu, milli, gpus, models, p};
}

TEST(FragmentationTest, FittingTaskCountsOnlyGpusTooSmallForIt) {
  EXPECT_EQ(ShapeFragmentation(kNode, Shape(4000, 1, 300)), 200);
  EXPECT_EQ(ShapeFragmentation(kNode, Shape(4000, 1, 600)), 700);
  EXPECT_EQ(ShapeFragmentation(kNode, Shape(4000, 1, 1000)), 700);
}

TEST(FragmentationTest, TaskThatCannotRunMakesAllIdleGpuFragment) {
  EXPECT_EQ(ShapeFragmentation(kNode, Shape(4000, 2, 1000)), 1700);  // GPUs
  EXPECT_EQ(ShapeFragmentation(kNode, Shape(16000, 1, 300)), 1700);  // CPU
  EXPECT_EQ(ShapeFragmentation(kNode, Shape(4000, 0, 0)), 1700);  // no GPU
  EXPECT_EQ(ShapeFragmentation(kNode, Shape(4000, 1, 300, 0b10)), 1700);
  EXPECT_EQ(ShapeFragmentation(kNode, Shape(4000, 1, 300, 0b11)), 200);
}

TEST(FragmentationTest, FullyAllocatedNodeHasNoFragment) {
  std::array<int32_t, 2> none = {0, 0};
  EXPECT_EQ(ShapeFragmentation({0, none, 0}, Shape(4000, 0, 0)), 0);
}

TEST(FragmentationTest, NodeFragmentationIsTheExpectationOverTheWorkload) {
  TargetWorkload m = TargetWorkload::FromShapes(
      {Shape(4000, 1, 300, 0, 0.5), Shape(4000, 2, 1000, 0, 0.25),
       Shape(1000, 0, 0, 0, 0.25)});
  // 0.5 * 200 + 0.25 * 1700 + 0.25 * 1700
  EXPECT_DOUBLE_EQ(NodeFragmentation(kNode, m), 950);
}

// The paper's Fig. 3 style example: a 2-GPU node with 0.5 GPU left on one
// GPU. For a workload of half 0.5-GPU and half 1-GPU tasks, the half GPU is
// fragment only for the 1-GPU tasks: F = 0.5 * 0 + 0.5 * 500.
TEST(FragmentationTest, PartialGpuIsFragmentOnlyForTasksItCannotHost) {
  std::array<int32_t, 2> free = {1000, 500};
  TargetWorkload m = TargetWorkload::FromShapes(
      {Shape(1000, 1, 500, 0, 0.5), Shape(1000, 1, 1000, 0, 0.5)});
  EXPECT_DOUBLE_EQ(NodeFragmentation({8000, free, 0}, m), 250);
}

}  // namespace
}  // namespace gpulet::sched

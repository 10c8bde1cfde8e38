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

// Resource-aware: four idle GPUs, 1-GPU tasks of 4 cores and 16 GiB.
constexpr std::array<int32_t, 4> kIdle4 = {1000, 1000, 1000, 1000};

WorkloadShape WithMemory(WorkloadShape shape, int64_t memory_mib) {
  shape.memory_mib = memory_mib;
  return shape;
}

TEST(FragmentationTest, ResourceAwareEqualsPaperWhenCpuAndMemoryDoNotBind) {
  FreeResources node{16000, kIdle4, 0, 64 * 1024};
  WorkloadShape task = WithMemory(Shape(4000, 1, 1000), 16 * 1024);
  EXPECT_EQ(ResourceAwareShapeFragmentation(node, task), 0);
  EXPECT_EQ(ResourceAwareShapeFragmentation(kNode, Shape(4000, 1, 600)),
            ShapeFragmentation(kNode, Shape(4000, 1, 600)));
  // m does not fit at all: every idle GPU, as in the paper.
  EXPECT_EQ(ResourceAwareShapeFragmentation(kNode, Shape(4000, 2, 1000)),
            1700);
  EXPECT_EQ(ResourceAwareShapeFragmentation(kNode, Shape(4000, 0, 0)), 1700);
}

TEST(FragmentationTest, ResourceAwareCountsGpusTheCpuCannotFeed) {
  // 8 cores feed two of the four GPUs: two are fragment for this task.
  FreeResources node{8000, kIdle4, 0, 64 * 1024};
  WorkloadShape task = WithMemory(Shape(4000, 1, 1000), 16 * 1024);
  EXPECT_EQ(ShapeFragmentation(node, task), 0);  // the paper: it fits
  EXPECT_EQ(ResourceAwareShapeFragmentation(node, task), 2000);
  // 2-GPU tasks: the GPUs host two, the CPU feeds two: nothing stranded.
  EXPECT_EQ(ResourceAwareShapeFragmentation(node, Shape(4000, 2, 1000)), 0);
}

TEST(FragmentationTest, ResourceAwareCountsGpusTheMemoryCannotFeed) {
  FreeResources node{64000, kIdle4, 0, 40 * 1024};  // memory for 2 tasks
  WorkloadShape task = WithMemory(Shape(4000, 1, 1000), 16 * 1024);
  EXPECT_EQ(ResourceAwareShapeFragmentation(node, task), 2000);
  node.memory_free = 8 * 1024;  // none fits: all idle GPU
  EXPECT_EQ(ResourceAwareShapeFragmentation(node, task), 4000);
}

// Sharing tasks: the GPUs with 1000 and 500 free can each take a 0.25-GPU
// task. With 3 cores per task, 10 cores feed one on each: only the 200
// milli GPU is fragment, as in the paper. With 6 cores per task they feed
// one, so half of the 1500 milli those GPUs offer is stranded too.
TEST(FragmentationTest, ResourceAwareCountsSharedGpusTheCpuCannotFeed) {
  EXPECT_EQ(ResourceAwareShapeFragmentation(kNode, Shape(3000, 1, 250)), 200);
  EXPECT_EQ(ResourceAwareShapeFragmentation(kNode, Shape(6000, 1, 250)),
            200 + 750);
}

TEST(FragmentationTest, NodeFragmentationTakesTheMeasure) {
  FreeResources node{8000, kIdle4, 0, 64 * 1024};
  TargetWorkload m = TargetWorkload::FromShapes(
      {Shape(4000, 1, 1000, 0, 0.5), Shape(1000, 0, 0, 0, 0.5)});
  EXPECT_DOUBLE_EQ(NodeFragmentation(node, m), 2000);  // 0.5 * 0 + 0.5 * 4000
  EXPECT_DOUBLE_EQ(
      NodeFragmentation(node, m, FragmentMeasure::kResourceAware), 3000);
}

}  // namespace
}  // namespace gpulet::sched

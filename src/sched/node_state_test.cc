#include "sched/node_state.h"

#include "base/status_matchers.h"
#include "gtest/gtest.h"
#include "sched/test_cluster.h"

namespace gpulet::sched {
namespace {

using ::gpulet::testing::IsOk;
using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;
using testing::MakeNode;
using testing::Pod;

TEST(NodeStateTest, IdleRejectsBadShapes) {
  EXPECT_THAT(NodeState::Idle(-1, 10, 1, 0),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("negative")));
  EXPECT_THAT(NodeState::Idle(1, 10, 9, 0),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("GPU count 9")));
}

TEST(NodeStateTest, FitsChecksEveryFilter) {
  NodeState node = MakeNode({1000, 300}, 8000, /*model=*/1, /*memory=*/4096);
  EXPECT_TRUE(Fits(node, Pod(8000, 1, 300)));
  EXPECT_FALSE(Fits(node, Pod(8001, 1, 300)));            // CPU
  EXPECT_FALSE(Fits(node, Pod(1000, 1, 300, 0, 4097)));   // memory
  EXPECT_FALSE(Fits(node, Pod(1000, 1, 300, /*models=*/0b01)));  // model
  EXPECT_TRUE(Fits(node, Pod(1000, 1, 300, /*models=*/0b10)));
  EXPECT_FALSE(Fits(node, Pod(1000, 2, 1000)));            // one whole GPU
  EXPECT_TRUE(Fits(node, Pod(1000, 2, 300)));
  EXPECT_FALSE(Fits(node, Pod(1000, 3, 100)));
  EXPECT_TRUE(Fits(node, Pod(1000, 0, 0)));
}

TEST(NodeStateTest, ApplyAndReleaseRoundTrip) {
  NodeState node = MakeNode({1000, 1000});
  const NodeState idle = node;
  PodRequest pod = Pod(4000, 1, 600);
  ASSERT_THAT(Apply(node, pod, 0b10), IsOk());
  EXPECT_EQ(node.gpu_free[1], 400);
  EXPECT_EQ(node.cpu_free, idle.cpu_free - 4000);
  EXPECT_EQ(node.class_pods[0], 1);
  EXPECT_EQ(node.version, 1u);
  ASSERT_THAT(Release(node, pod, 0b10), IsOk());
  EXPECT_EQ(node.gpu_free, idle.gpu_free);
  EXPECT_EQ(node.cpu_free, idle.cpu_free);
  EXPECT_EQ(node.class_pods[0], 0);
  EXPECT_EQ(node.version, 2u);
}

TEST(NodeStateTest, ApplyRefusesWrongGpusAndLeavesNodeUnchanged) {
  NodeState node = MakeNode({200, 1000});
  const NodeState before = node;
  EXPECT_THAT(Apply(node, Pod(1000, 1, 500), 0b01),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("mask")));
  EXPECT_THAT(Apply(node, Pod(1000, 1, 500), 0b11),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::_));
  EXPECT_THAT(Apply(node, Pod(1000, 2, 1000), 0b11),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::_));
  EXPECT_EQ(node.gpu_free, before.gpu_free);
  EXPECT_EQ(node.version, before.version);
}

TEST(NodeStateTest, ReleaseOfSomethingNotPlacedFails) {
  NodeState node = MakeNode({1000});
  EXPECT_THAT(Release(node, Pod(1000, 1, 500), 0b1),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("not placed")));
  EXPECT_THAT(Release(node, Pod(1, 0, 0), 0),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::_));
}

}  // namespace
}  // namespace gpulet::sched

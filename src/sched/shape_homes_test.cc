#include "sched/shape_homes.h"

#include <vector>

#include "gtest/gtest.h"
#include "sched/test_cluster.h"

namespace gpulet::sched {
namespace {

using testing::MakeNode;
using testing::Pod;
using testing::View;

// Half 1-GPU tasks, half 4-GPU tasks.
TargetWorkload OneAndFour() {
  return TargetWorkload::FromShapes(
      {{1000, 1000, 1, 0, 0.5, 1024}, {1000, 1000, 4, 0, 0.5, 1024}});
}

TEST(ShapeHomesTest, CountsTheNodesEachShapeFitsOn) {
  std::vector<NodeState> nodes = {MakeNode({1000, 1000, 1000, 1000}),
                                  MakeNode({1000, 1000}), MakeNode({500})};
  ShapeHomes homes;
  homes.Update(View(nodes), OneAndFour());
  EXPECT_EQ(homes.homes(0), 2);
  EXPECT_EQ(homes.homes(1), 1);
}

TEST(ShapeHomesTest, FollowsNodeChangesByVersion) {
  std::vector<NodeState> nodes = {MakeNode({1000, 1000, 1000, 1000}),
                                  MakeNode({1000, 1000, 1000, 1000})};
  ShapeHomes homes;
  homes.Update(View(nodes), OneAndFour());
  ASSERT_EQ(homes.homes(1), 2);
  ASSERT_TRUE(Apply(nodes[0], Pod(1000, 1, 1000), 0b1).ok());
  homes.Update(View(nodes), OneAndFour());
  EXPECT_EQ(homes.homes(0), 2);
  EXPECT_EQ(homes.homes(1), 1);
  ASSERT_TRUE(Release(nodes[0], Pod(1000, 1, 1000), 0b1).ok());
  homes.Update(View(nodes), OneAndFour());
  EXPECT_EQ(homes.homes(1), 2);
}

TEST(ShapeHomesTest, RecountsWhenTheTargetChanges) {
  std::vector<NodeState> nodes = {MakeNode({1000, 1000})};
  ShapeHomes homes;
  homes.Update(View(nodes), OneAndFour());
  ASSERT_EQ(homes.homes(1), 0);
  homes.Update(View(nodes),
               TargetWorkload::FromShapes({{1000, 1000, 2, 0, 1.0, 1024}}));
  EXPECT_EQ(homes.homes(0), 1);
}

// Taking one GPU from the only 4-GPU home costs half the next pods their
// only home (0.5 / 1); the 1-GPU tasks keep theirs. Taking a 2-GPU node's
// last GPUs costs 0.5 / 2 of the 1-GPU tasks' homes.
TEST(ShapeHomesTest, ExpectedLossIsTheShareOfHomesRemoved) {
  std::vector<NodeState> nodes = {MakeNode({1000, 1000, 1000, 1000}),
                                  MakeNode({1000, 1000})};
  ShapeHomes homes;
  homes.Update(View(nodes), OneAndFour());
  NodeState after = nodes[0];
  ASSERT_TRUE(Apply(after, Pod(1000, 1, 1000), 0b1).ok());
  EXPECT_DOUBLE_EQ(homes.ExpectedLoss(0, after), 0.5);
  after = nodes[1];
  ASSERT_TRUE(Apply(after, Pod(1000, 2, 1000), 0b11).ok());
  EXPECT_DOUBLE_EQ(homes.ExpectedLoss(1, after), 0.25);
  EXPECT_DOUBLE_EQ(homes.ExpectedLoss(1, nodes[1]), 0);
}

}  // namespace
}  // namespace gpulet::sched

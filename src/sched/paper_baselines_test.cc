#include "sched/paper_baselines.h"

#include <set>

#include "gtest/gtest.h"
#include "sched/test_cluster.h"

namespace gpulet::sched {
namespace {

using testing::MakeNode;
using testing::Pod;
using testing::View;

TEST(RandomPolicyTest, PicksOnlyFeasibleNodesAndAllOfThem) {
  std::vector<NodeState> nodes = {MakeNode({1000}), MakeNode({100}),
                                  MakeNode({1000, 1000}), MakeNode({500})};
  auto view = View(nodes);
  RandomPolicy policy(3);
  std::set<int> chosen;
  for (int i = 0; i < 300; ++i) {
    std::optional<Placement> p = policy.Decide(view, Pod(1000, 1, 500));
    ASSERT_TRUE(p.has_value());
    EXPECT_TRUE(ValidGpuChoice(nodes[p->node], Pod(1000, 1, 500), p->gpus));
    chosen.insert(p->node);
  }
  EXPECT_EQ(chosen, (std::set<int>{0, 2, 3}));
}

TEST(RandomPolicyTest, NoFeasibleNodeIsNullopt) {
  std::vector<NodeState> nodes = {MakeNode({100})};
  RandomPolicy policy(3);
  EXPECT_FALSE(policy.Decide(View(nodes), Pod(1000, 1, 500)).has_value());
}

TEST(DotProductPolicyTest, PrefersTheNodeWithLessFreeInTheRequestedDimension) {
  std::vector<NodeState> nodes = {MakeNode({1000, 1000, 1000, 1000}),
                                  MakeNode({1000, 300}), MakeNode({1000})};
  DotProductPolicy policy(1);
  // GPU dominates: 1000/8000 * free/8000; node 2 has 1 GPU free.
  EXPECT_EQ(policy.Decide(View(nodes), Pod(1000, 1, 1000))->node, 2);
}

TEST(GpuPackingPolicyTest, SharedGpuBeforeUsedNodeBeforeIdleNode) {
  std::vector<NodeState> nodes = {
      MakeNode({1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}),  // idle: 25
      MakeNode({1000, 100}),   // used node, needs a free GPU: 49
      MakeNode({1000, 500})};  // fits on the shared GPU: 100 - 50/10 = 95
  GpuPackingPolicy policy(1);
  std::optional<Placement> p = policy.Decide(View(nodes), Pod(1000, 1, 300));
  EXPECT_EQ(p, (Placement{2, 0b10}));
  nodes.pop_back();
  EXPECT_EQ(policy.Decide(View(nodes), Pod(1000, 1, 300))->node, 1);
}

TEST(GpuClusteringPolicyTest, PrefersNodesHostingOnlyThePodsClass) {
  NodeState sharing_only = MakeNode({1000, 1000, 1000, 600});
  NodeState mixed = MakeNode({1000, 1000, 600, 0});
  mixed.class_pods[1] = 1;  // also hosts a one-GPU pod
  NodeState idle = MakeNode({1000, 1000});
  NodeState other = MakeNode({1000, 1000, 0, 0});
  other.class_pods[0] = 0;  // its GPUs are taken by one 2-GPU pod
  other.class_pods[2] = 1;
  std::vector<NodeState> nodes = {other, idle, mixed, sharing_only};
  GpuClusteringPolicy policy(1);
  EXPECT_EQ(policy.Decide(View(nodes), Pod(1000, 1, 300))->node, 3);
  nodes.pop_back();
  EXPECT_EQ(policy.Decide(View(nodes), Pod(1000, 1, 300))->node, 2);
  nodes.pop_back();
  EXPECT_EQ(policy.Decide(View(nodes), Pod(1000, 1, 300))->node, 1);
}

TEST(BestFitPolicyTest, LeastResourcesLeftAfterPlacement) {
  std::vector<NodeState> nodes = {MakeNode({1000, 1000}, 64000),
                                  MakeNode({1000, 600}, 64000),
                                  MakeNode({1000, 1000}, 16000)};
  BestFitPolicy policy(1);
  // Left GPU/CPU: node 0 1.7 GPU, 60 CPU; node 1 1.3, 60; node 2 1.7, 12.
  EXPECT_EQ(BestFitPolicy::BestFitScore(nodes[0], Pod(4000, 1, 300)), 65);
  EXPECT_EQ(BestFitPolicy::BestFitScore(nodes[1], Pod(4000, 1, 300)), 68);
  EXPECT_EQ(BestFitPolicy::BestFitScore(nodes[2], Pod(4000, 1, 300)), 84);
  EXPECT_EQ(policy.Decide(View(nodes), Pod(4000, 1, 300)),
            (Placement{2, 0b01}));
}

}  // namespace
}  // namespace gpulet::sched

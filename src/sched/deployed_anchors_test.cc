#include "sched/deployed_anchors.h"

#include "gtest/gtest.h"
#include "sched/test_cluster.h"

namespace gpulet::sched {
namespace {

using testing::MakeNode;
using testing::Pod;
using testing::View;

TEST(HamiPolicyTest, BinpackFillsTheBusiestNodeAndGpu) {
  std::vector<NodeState> nodes = {MakeNode({1000, 1000}),
                                  MakeNode({1000, 600, 800})};
  HamiPolicy policy(HamiPolicy::Mode::kBinpack, 1);
  EXPECT_EQ(policy.Decide(View(nodes), Pod(1000, 1, 300)),
            (Placement{1, 0b010}));
}

TEST(HamiPolicyTest, SpreadPrefersTheIdlestNodeAndGpu) {
  std::vector<NodeState> nodes = {MakeNode({1000, 600, 800}),
                                  MakeNode({1000, 1000})};
  HamiPolicy policy(HamiPolicy::Mode::kSpread, 1);
  EXPECT_EQ(policy.Decide(View(nodes), Pod(1000, 1, 300))->node, 1);
  nodes.pop_back();
  EXPECT_EQ(policy.Decide(View(nodes), Pod(1000, 1, 300)),
            (Placement{0, 0b001}));
}

TEST(VolcanoBinpackPolicyTest, PrefersFullerNodesAndCards) {
  std::vector<NodeState> nodes = {MakeNode({1000, 1000}, 64000),
                                  MakeNode({1000, 500}, 64000)};
  nodes[1].cpu_free = 32000;
  VolcanoBinpackPolicy policy(1);
  EXPECT_EQ(policy.Decide(View(nodes), Pod(1000, 1, 300)),
            (Placement{1, 0b10}));
  // CPU-only pods binpack on CPU and memory alone.
  EXPECT_EQ(policy.Decide(View(nodes), Pod(1000, 0, 0))->node, 1);
}

}  // namespace
}  // namespace gpulet::sched

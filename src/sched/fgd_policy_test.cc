#include "sched/fgd_policy.h"

#include "gtest/gtest.h"
#include "sched/test_cluster.h"

namespace gpulet::sched {
namespace {

using testing::MakeNode;
using testing::Pod;
using testing::View;

TargetWorkload OnlyShape(int64_t cpu, int gpus, int milli) {
  return TargetWorkload::FromShapes({{cpu, milli, gpus, 0, 1.0}});
}

TEST(FgdPolicyTest, QuantisedScoreIsTheArtifactsSigmoid) {
  EXPECT_EQ(FgdPolicy::QuantisedScore(0), 50);
  EXPECT_EQ(FgdPolicy::QuantisedScore(400), 59);
  EXPECT_EQ(FgdPolicy::QuantisedScore(-1000), 26);
  EXPECT_EQ(FgdPolicy::QuantisedScore(10), 50);  // below one step: a tie
}

// Target: 0.6-GPU tasks. Node 1's 0.4-GPU remainder is fragment for them;
// filling it with the arriving 0.4-GPU pod removes 400 milli of fragment,
// while using node 0 changes nothing.
TEST(FgdPolicyTest, FillsTheFragmentThatTheWorkloadCannotUse) {
  std::vector<NodeState> nodes = {MakeNode({1000, 1000}),
                                  MakeNode({1000, 400})};
  for (bool exact : {false, true}) {
    FgdPolicy policy(OnlyShape(1000, 1, 600), FgdOptions{exact, false}, 1);
    EXPECT_EQ(policy.Decide(View(nodes), Pod(1000, 1, 400)),
              (Placement{1, 0b10}));
  }
}

// Inside a node the GPU choice follows the same criterion: with 1-GPU tasks
// as the target, splitting a free GPU adds 1000 milli of fragment, so the
// pod goes to the partly used GPU even though it is not the fullest.
TEST(FgdPolicyTest, ChoosesTheGpuThatAddsLeastFragmentation) {
  std::vector<NodeState> nodes = {MakeNode({1000, 700, 1000})};
  FgdPolicy policy(OnlyShape(1000, 1, 1000), {}, 1);
  EXPECT_EQ(policy.Decide(View(nodes), Pod(1000, 1, 300)),
            (Placement{0, 0b010}));
}

TEST(FgdPolicyTest, WholeGpuPodsTakeLowestFreeGpus) {
  std::vector<NodeState> nodes = {MakeNode({500, 1000, 1000, 1000})};
  FgdPolicy policy(OnlyShape(1000, 1, 500), {}, 1);
  EXPECT_EQ(policy.Decide(View(nodes), Pod(1000, 2, 1000)),
            (Placement{0, 0b0110}));
}

TEST(FgdPolicyTest, ExactVariantBreaksTiesByBestFitThenIndex) {
  std::vector<NodeState> nodes = {MakeNode({1000, 1000}, 64000),
                                  MakeNode({1000, 1000}, 16000),
                                  MakeNode({1000, 1000}, 16000)};
  FgdPolicy policy(OnlyShape(1000, 1, 1000), FgdOptions{true, false}, 1);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(policy.Decide(View(nodes), Pod(1000, 1, 1000))->node, 1);
  }
}

TEST(FgdPolicyTest, CachedOutcomesFollowNodeChanges) {
  std::vector<NodeState> nodes = {MakeNode({1000, 1000}),
                                  MakeNode({1000, 400})};
  FgdPolicy policy(OnlyShape(1000, 1, 600), FgdOptions{true, false}, 1);
  auto view = View(nodes);
  ASSERT_EQ(policy.Decide(view, Pod(1000, 1, 400))->node, 1);
  ASSERT_TRUE(Apply(nodes[1], Pod(1000, 1, 400), 0b10).ok());
  // Node 1 is now [1000, 0]; node 0 [1000, 1000]. A 0.4 pod on either
  // creates a 0.6 remainder, usable by the target: a tie, BestFit -> node 1.
  EXPECT_EQ(policy.Decide(view, Pod(1000, 1, 400))->node, 1);
  ASSERT_TRUE(Apply(nodes[1], Pod(1000, 1, 1000), 0b01).ok());
  EXPECT_EQ(policy.Decide(view, Pod(1000, 1, 400))->node, 0);
}

TEST(FgdPolicyTest, OnlineVariantNeedsNoOracleAndIsDeterministic) {
  std::vector<NodeState> nodes = {MakeNode({1000, 1000}), MakeNode({1000, 400}),
                                  MakeNode({300})};
  FgdPolicy a(TargetWorkload(), FgdOptions{false, true}, 9);
  FgdPolicy b(TargetWorkload(), FgdOptions{false, true}, 9);
  for (int milli : {600, 600, 400, 1000, 200}) {
    std::optional<Placement> pa = a.Decide(View(nodes), Pod(1000, 1, milli));
    std::optional<Placement> pb = b.Decide(View(nodes), Pod(1000, 1, milli));
    ASSERT_TRUE(pa.has_value());
    EXPECT_EQ(pa, pb);
    EXPECT_TRUE(ValidGpuChoice(nodes[pa->node], Pod(1000, 1, milli), pa->gpus));
  }
  EXPECT_FALSE(a.target().shapes().empty());
}

// Outcomes are shared between nodes in the same state, and the GPU choice is
// part of the outcome, so the state must keep GPU order: [1000, 400] and
// [400, 1000] have the same fragmentation but fill different GPUs.
TEST(FgdPolicyTest, SharedOutcomesKeepEachNodesGpuOrder) {
  std::vector<NodeState> nodes = {MakeNode({1000, 400}),
                                  MakeNode({400, 1000})};
  FgdPolicy policy(OnlyShape(1000, 1, 600), {}, 1);
  auto view = View(nodes);
  ASSERT_EQ(policy.Decide(view, Pod(1000, 1, 400)), (Placement{0, 0b10}));
  ASSERT_TRUE(Apply(nodes[0], Pod(1000, 1, 400), 0b10).ok());
  EXPECT_EQ(policy.Decide(view, Pod(1000, 1, 400)), (Placement{1, 0b01}));
}

// A policy that has cached and shared outcomes over many placements decides
// exactly as a fresh one, on a cluster of many identical nodes.
TEST(FgdPolicyTest, SharedOutcomesDecideAsAFreshPolicy) {
  static constexpr int kMilli[] = {1000, 500, 300, 700, 1000, 250};
  static constexpr int kGpus[] = {1, 1, 1, 1, 2, 1};
  TargetWorkload target = TargetWorkload::FromShapes(
      {{2000, 500, 1, 0, 0.5},
       {4000, 1000, 1, 0, 0.3},
       {8000, 1000, 2, 0, 0.2}});
  for (bool exact : {false, true}) {
    std::vector<NodeState> nodes;
    for (int i = 0; i < 8; ++i) {
      nodes.push_back(MakeNode({1000, 1000, 1000, 1000}, 32000));
      nodes.push_back(MakeNode({1000, 1000}, 16000, 1));
    }
    FgdPolicy cached(target, FgdOptions{exact, false}, 1);
    Rng rng(7);
    for (int step = 0; step < 60; ++step) {
      int s = static_cast<int>(UniformIndex(rng, 6));
      PodRequest pod =
          Pod(1000 * (1 + UniformIndex(rng, 4)), kGpus[s], kMilli[s]);
      std::optional<Placement> got = cached.Decide(View(nodes), pod);
      FgdPolicy fresh(target, FgdOptions{exact, false}, 1);
      ASSERT_EQ(got, fresh.Decide(View(nodes), pod)) << "step " << step;
      if (got) {
        ASSERT_TRUE(Apply(nodes[got->node], pod, got->gpus).ok());
      }
    }
  }
}

}  // namespace
}  // namespace gpulet::sched

// The FGD variants that go beyond the paper: resource-aware fragments,
// look-ahead and the demand-weighted target workload. Each test is a small
// cluster on which the variant decides differently from the paper's FGD.
#include <string>

#include "base/status_matchers.h"
#include "gtest/gtest.h"
#include "sched/fgd_policy.h"
#include "sched/policy_factory.h"
#include "sched/test_cluster.h"

namespace gpulet::sched {
namespace {

using testing::MakeNode;
using testing::Pod;
using testing::View;

FgdOptions ResourceAware() {
  FgdOptions options;
  options.measure = FragmentMeasure::kResourceAware;
  return options;
}

FgdOptions Lookahead() {
  FgdOptions options;
  options.lookahead = 8;
  return options;
}

// Target: 1-GPU tasks with 4 cores. Node 0 has 8 free GPUs but only 8 cores,
// enough for two such tasks; node 1 has 2 GPUs and 64 cores. A CPU-only pod
// of 4 cores leaves both nodes able to host one target task, so the paper's
// fragment (which asks only "does one fit?") sees no change anywhere and
// the tie goes to node 0, where it strands a seventh GPU. The resource-aware
// measure sees node 0 go from 6 to 7 GPUs that its CPU cannot feed and node
// 1 unchanged, and takes node 1.
TEST(FgdVariantsTest, ResourceAwareKeepsCpuForTheGpus) {
  std::vector<NodeState> nodes = {
      MakeNode({1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, 8000),
      MakeNode({1000, 1000}, 64000)};
  TargetWorkload target = TargetWorkload::FromShapes({{4000, 1000, 1, 0, 1.0}});
  PodRequest cpu_only = Pod(4000, 0, 0);
  EXPECT_EQ(FgdPolicy(target, {}, 1).Decide(View(nodes), cpu_only),
            (Placement{0, 0}));
  EXPECT_EQ(FgdPolicy(target, ResourceAware(), 1).Decide(View(nodes), cpu_only),
            (Placement{1, 0}));
}

// The same with memory, which the paper's fragment never looks at: target
// tasks need 64 GiB; node 0 has 128 GiB for its 4 GPUs, node 1 1 TiB.
TEST(FgdVariantsTest, ResourceAwareKeepsMemoryForTheGpus) {
  std::vector<NodeState> nodes = {
      MakeNode({1000, 1000, 1000, 1000}, 64000, 0, 128 * 1024),
      MakeNode({1000, 1000, 1000, 1000}, 64000, 0, 1024 * 1024)};
  WorkloadShape shape{1000, 1000, 1, 0, 1.0, 64 * 1024};
  TargetWorkload target = TargetWorkload::FromShapes({shape});
  PodRequest memory_heavy = Pod(1000, 0, 0, 0, 64 * 1024);
  EXPECT_EQ(FgdPolicy(target, {}, 1).Decide(View(nodes), memory_heavy)->node,
            0);
  EXPECT_EQ(
      FgdPolicy(target, ResourceAware(), 1).Decide(View(nodes), memory_heavy)
          ->node,
      1);
}

// Target: half 1-GPU tasks, half 4-GPU tasks needing 100,000 MiB. Both
// nodes host either now. A CPU-only pod with 100,000 MiB changes no
// fragment (memory is not part of it), so FGD takes node 0 and leaves it
// unable to host a 4-GPU task: one of the two homes of half the next pods.
// The look-ahead compares the tied nodes and takes node 1, which keeps
// enough memory.
TEST(FgdVariantsTest, LookaheadKeepsTheHomesOfLikelyPods) {
  std::vector<NodeState> nodes = {
      MakeNode({1000, 1000, 1000, 1000}, 64000, 0, 150000),
      MakeNode({1000, 1000, 1000, 1000}, 64000, 0, 256 * 1024)};
  TargetWorkload target = TargetWorkload::FromShapes(
      {{1000, 1000, 1, 0, 0.5, 1024}, {1000, 1000, 4, 0, 0.5, 100000}});
  PodRequest pod = Pod(1000, 0, 0, 0, 100000);
  EXPECT_EQ(FgdPolicy(target, {}, 1).Decide(View(nodes), pod)->node, 0);
  EXPECT_EQ(FgdPolicy(target, Lookahead(), 1).Decide(View(nodes), pod)->node,
            1);
}

// The look-ahead only reorders ties of FGD's score: a better-scored node
// wins even if it costs the next pod more.
TEST(FgdVariantsTest, LookaheadNeverOverridesABetterScore) {
  // Target 0.6-GPU tasks: filling node 1's 0.4 remainder removes fragment.
  std::vector<NodeState> nodes = {MakeNode({1000, 1000}),
                                  MakeNode({1000, 400})};
  TargetWorkload target = TargetWorkload::FromShapes({{1000, 600, 1, 0, 1.0}});
  EXPECT_EQ(FgdPolicy(target, Lookahead(), 1)
                .Decide(View(nodes), Pod(1000, 1, 400)),
            (Placement{1, 0b10}));
}

// Target: 95 % 0.25-GPU tasks, 5 % whole-GPU tasks. By count, a 0.5-GPU pod
// should not leave a 0.1 remainder the small tasks cannot use, so it breaks
// node 0's idle GPU. Weighted by GPU request, the whole-GPU tasks weigh 17 %
// and keeping an idle GPU for them matters more: node 1's 0.6 GPU.
TEST(FgdVariantsTest, DemandWeightingFavoursTheLargerTasks) {
  std::vector<NodeState> nodes = {MakeNode({1000}), MakeNode({600})};
  TargetWorkload target = TargetWorkload::FromShapes(
      {{1000, 250, 1, 0, 0.95}, {1000, 1000, 1, 0, 0.05}});
  PodRequest pod = Pod(1000, 1, 500);
  EXPECT_EQ(FgdPolicy(target, {}, 1).Decide(View(nodes), pod),
            (Placement{0, 0b1}));
  EXPECT_EQ(FgdPolicy(target.WeightedByGpuDemand(), {}, 1)
                .Decide(View(nodes), pod),
            (Placement{1, 0b1}));
}

// A resource-aware or look-ahead policy that has cached and shared outcomes
// decides exactly as a fresh one (memory is part of the shared state).
TEST(FgdVariantsTest, CachedVariantsDecideAsAFreshPolicy) {
  TargetWorkload target = TargetWorkload::FromShapes(
      {{2000, 500, 1, 0, 0.5, 8192},
       {4000, 1000, 1, 0, 0.3, 32768},
       {8000, 1000, 2, 0, 0.2, 65536}});
  for (FgdOptions options : {ResourceAware(), Lookahead()}) {
    std::vector<NodeState> nodes;
    for (int i = 0; i < 8; ++i) {
      nodes.push_back(MakeNode({1000, 1000, 1000, 1000}, 32000, 0, 131072));
      nodes.push_back(MakeNode({1000, 1000}, 16000, 1, 65536));
    }
    FgdPolicy cached(target, options, 1);
    Rng rng(7);
    for (int step = 0; step < 60; ++step) {
      int gpus = UniformIndex(rng, 3) == 0 ? 0 : 1;
      PodRequest pod = Pod(1000 * (1 + UniformIndex(rng, 4)), gpus,
                           gpus == 0 ? 0 : 250 * (1 + UniformIndex(rng, 4)),
                           0, 8192 * (1 + UniformIndex(rng, 3)));
      std::optional<Placement> got = cached.Decide(View(nodes), pod);
      FgdPolicy fresh(target, options, 1);
      ASSERT_EQ(got, fresh.Decide(View(nodes), pod)) << "step " << step;
      if (got) {
        ASSERT_TRUE(Apply(nodes[got->node], pod, got->gpus).ok());
      }
    }
  }
}

TEST(FgdVariantsTest, FactoryBuildsEachVariantByName) {
  TargetWorkload oracle = TargetWorkload::FromShapes({{1000, 1000, 1, 0, 1.0}});
  for (const char* name : {"fgd-cpumem", "fgd-lookahead", "fgd-demand",
                           "fgd-cpumem-lookahead"}) {
    EXPECT_OK(MakePolicy(name, {1, &oracle}).status()) << name;
    // Every variant uses the oracle M, so it cannot be made without one.
    EXPECT_THAT(MakePolicy(name, {1, nullptr}).status(),
                gpulet::testing::StatusIs(absl::StatusCode::kInvalidArgument))
        << name;
  }
}

TEST(FgdVariantsTest, FactoryRejectsMisspelledVariants) {
  TargetWorkload oracle = TargetWorkload::FromShapes({{1000, 1000, 1, 0, 1.0}});
  for (const char* name : {"fgd-cpumems", "fgd-look-ahead", "fgd-", "FGD-cpumem",
                           "fgd-lookahead-cpumem", "fgd-demand ", "cpumem"}) {
    EXPECT_THAT(MakePolicy(name, {1, &oracle}).status(),
                gpulet::testing::StatusIs(absl::StatusCode::kInvalidArgument))
        << "'" << name << "'";
  }
}

}  // namespace
}  // namespace gpulet::sched

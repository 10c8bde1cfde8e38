// BestGpuSet on small hand-made topologies, one preference per case.
#include "allocation/gpu_set_search.h"

#include <chrono>

#include "base/status_matchers.h"
#include "gtest/gtest.h"

namespace gpulet::allocation {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using nvml::TopologyLevel;

// `n` GPUs on one NUMA node, no NVLink.
Topology SameNode(int n) {
  Topology t(n);
  for (int a = 0; a < n; ++a) {
    for (int b = a + 1; b < n; ++b) t.SetPcie(a, b, TopologyLevel::kNode);
  }
  return t;
}

// Two NVLink pairs, (0,1) and (2,3).
Topology TwoPairs() {
  Topology t = SameNode(4);
  t.SetNvLinks(0, 1, 4);
  t.SetNvLinks(2, 3, 4);
  return t;
}

TEST(BestGpuSetTest, TakesAnNvLinkPair) {
  Topology t = TwoPairs();
  EXPECT_THAT(*BestGpuSet(t, {0, 1, 2, 3}, {}, 2), ElementsAre(0, 1));
  EXPECT_THAT(*BestGpuSet(t, {1, 2, 3}, {}, 2), ElementsAre(2, 3));
}

TEST(BestGpuSetTest, DoesNotSplitAnNvLinkPairForOneGpu) {
  // GPU 3 is in use: a lone GPU 2 is the one to give, not half of (0,1).
  EXPECT_THAT(*BestGpuSet(TwoPairs(), {0, 1, 2}, {}, 1), ElementsAre(2));
  // Three GPUs out of the two pairs: a whole pair plus one.
  EXPECT_THAT(*BestGpuSet(TwoPairs(), {0, 1, 2, 3}, {}, 3), ElementsAre(0, 1, 2));
}

TEST(BestGpuSetTest, HonoursMustInclude) {
  EXPECT_THAT(*BestGpuSet(TwoPairs(), {0, 1, 2, 3}, {2}, 2), ElementsAre(2, 3));
  EXPECT_THAT(*BestGpuSet(TwoPairs(), {0, 1, 2, 3}, {1, 2}, 2), ElementsAre(1, 2));
  // Three with GPU 3: one whole pair and 3 score the same either way.
  EXPECT_THAT(*BestGpuSet(TwoPairs(), {0, 1, 2, 3}, {3}, 3), ElementsAre(0, 1, 3));
}

TEST(BestGpuSetTest, FindsTheBestSetWhereGreedyWouldNot) {
  // (0,1) is the strongest pair but links to nothing else; (2,3,4) is a
  // triangle of weaker links that is worth more as a set of three.
  Topology t = SameNode(6);
  t.SetNvLinks(0, 1, 10);
  t.SetNvLinks(2, 3, 6);
  t.SetNvLinks(3, 4, 6);
  t.SetNvLinks(2, 4, 6);
  EXPECT_THAT(*BestGpuSet(t, {0, 1, 2, 3, 4, 5}, {}, 3), ElementsAre(2, 3, 4));
  EXPECT_THAT(*BestGpuSet(t, {0, 1, 2, 3, 4, 5}, {}, 2), ElementsAre(0, 1));
}

TEST(BestGpuSetTest, PrefersPcieSwitchThenHostBridgeThenNumaNode) {
  Topology t(5);
  for (int a = 0; a < 5; ++a) {
    for (int b = a + 1; b < 5; ++b) t.SetPcie(a, b, TopologyLevel::kSystem);
  }
  t.SetPcie(0, 1, TopologyLevel::kSingle);
  t.SetPcie(0, 2, TopologyLevel::kHostBridge);
  t.SetPcie(1, 2, TopologyLevel::kHostBridge);
  t.SetPcie(0, 3, TopologyLevel::kNode);
  t.SetPcie(1, 3, TopologyLevel::kNode);
  t.SetPcie(2, 3, TopologyLevel::kNode);
  EXPECT_THAT(*BestGpuSet(t, {0, 1, 2, 3, 4}, {}, 2), ElementsAre(0, 1));
  EXPECT_THAT(*BestGpuSet(t, {0, 2, 3, 4}, {}, 2), ElementsAre(0, 2));
  EXPECT_THAT(*BestGpuSet(t, {0, 3, 4}, {}, 2), ElementsAre(0, 3));
  EXPECT_THAT(*BestGpuSet(t, {0, 3, 4}, {4}, 2), ElementsAre(0, 4));
}

TEST(BestGpuSetTest, SixteenGpusInNvLinkQuadsQuickly) {
  Topology t = SameNode(16);
  for (int q = 0; q < 16; q += 4) {
    for (int a = q; a < q + 4; ++a) {
      for (int b = a + 1; b < q + 4; ++b) t.SetNvLinks(a, b, 2);
    }
  }
  std::vector<int> all;
  for (int i = 0; i < 16; ++i) all.push_back(i);
  auto start = std::chrono::steady_clock::now();
  EXPECT_THAT(*BestGpuSet(t, all, {5}, 4), ElementsAre(4, 5, 6, 7));
  ASSERT_OK_AND_ASSIGN(std::vector<int> eight, BestGpuSet(t, all, {}, 8));
  EXPECT_THAT(eight, ElementsAre(0, 1, 2, 3, 4, 5, 6, 7));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
}

TEST(BestGpuSetTest, RejectsImpossibleRequests) {
  Topology t = TwoPairs();
  EXPECT_THAT(BestGpuSet(t, {0, 1}, {}, 3),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("allocation size 3")));
  EXPECT_THAT(BestGpuSet(t, {0, 1}, {0, 1}, 1),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("2 required")));
  EXPECT_THAT(BestGpuSet(t, {0, 1}, {2}, 1),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("required GPU 2 is not available")));
  EXPECT_THAT(BestGpuSet(t, {0, 7}, {}, 1),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("available GPU 7")));
  EXPECT_THAT(BestGpuSet(t, {0, 0}, {}, 1),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("repeated")));
}

}  // namespace
}  // namespace gpulet::allocation

// Topology::FromInventory on the mock machine profiles.
#include "allocation/topology.h"

#include "allocation/gpu_set_search.h"
#include "base/status_matchers.h"
#include "gtest/gtest.h"
#include "resources/testing/mock_node.h"

namespace gpulet::allocation {
namespace {

using ::gpulet::testing::MockNode;
using ::testing::ElementsAre;

TEST(TopologyTest, DgxH100GpusShareEighteenLinksThroughTheNvSwitches) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<MockNode> node, MockNode::Open("dgx-h100"));
  Topology t = Topology::FromInventory(*node->inventory());
  ASSERT_EQ(t.gpu_count(), 8);
  for (int a = 0; a < 8; ++a) {
    for (int b = 0; b < 8; ++b) {
      if (a != b) {
        EXPECT_EQ(t.NvLinks(a, b), 18) << a << "," << b;
      }
    }
  }
  // Same socket beats across sockets.
  EXPECT_GT(t.Score(0, 1), t.Score(0, 4));
  EXPECT_THAT(*BestGpuSet(t, {0, 1, 4, 5, 6}, {}, 3), ElementsAre(4, 5, 6));
}

TEST(TopologyTest, HeteroPairsTheNvLinkedA100s) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<MockNode> node, MockNode::Open("hetero"));
  Topology t = Topology::FromInventory(*node->inventory());
  EXPECT_EQ(t.NvLinks(0, 1), 12);
  EXPECT_EQ(t.NvLinks(2, 3), 0);
  EXPECT_EQ(t.NvLinks(0, 2), 0);
  EXPECT_THAT(*BestGpuSet(t, {0, 1, 2, 3}, {}, 2), ElementsAre(0, 1));
  // One GPU: a T4, leaving the NVLink pair whole.
  EXPECT_THAT(*BestGpuSet(t, {0, 1, 2, 3}, {}, 1), ElementsAre(2));
}

}  // namespace
}  // namespace gpulet::allocation

#include "sched/node_table.h"

#include <memory>
#include <vector>

#include "gtest/gtest.h"

namespace gpulet::sched {
namespace {

NodeTable::Node State(int64_t cpu) {
  NodeState node;
  node.cpu_free = cpu;
  return std::make_shared<const NodeState>(node);
}

TEST(NodeTableTest, GrowsAcrossChunksInOrder) {
  NodeTable table;
  EXPECT_TRUE(table.empty());
  for (int i = 0; i < 200; ++i) table.push_back(State(i));
  ASSERT_EQ(table.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(table[i]->cpu_free, i);
  int seen = 0;
  for (const NodeTable::Node& node : table) EXPECT_EQ(node->cpu_free, seen++);
  EXPECT_EQ(seen, 200);
}

// A table copied for the next snapshot never changes the one it came from.
TEST(NodeTableTest, CopiesAreIndependent) {
  NodeTable before;
  for (int i = 0; i < 130; ++i) before.push_back(State(i));
  NodeTable after = before;
  after.set(3, State(1000));
  after.set(129, State(2000));
  after.push_back(State(3000));
  EXPECT_EQ(before[3]->cpu_free, 3);
  EXPECT_EQ(before[129]->cpu_free, 129);
  EXPECT_EQ(before.size(), 130u);
  EXPECT_EQ(after[3]->cpu_free, 1000);
  EXPECT_EQ(after[129]->cpu_free, 2000);
  EXPECT_EQ(after[130]->cpu_free, 3000);
  // Untouched nodes are the same objects, not copies.
  EXPECT_EQ(before[64].get(), after[64].get());
  EXPECT_EQ(before[4].get(), after[4].get());
}

// The node a reader holds stays alive after every table drops it.
TEST(NodeTableTest, ReaderKeepsItsNode) {
  NodeTable::Node held;
  {
    NodeTable table;
    table.push_back(State(7));
    held = table[0];
    table.set(0, State(8));
  }
  EXPECT_EQ(held->cpu_free, 7);
}

}  // namespace
}  // namespace gpulet::sched

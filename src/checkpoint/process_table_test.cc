#include "checkpoint/process_table.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostfs/testing/fixture_tree.h"

namespace gpulet::checkpoint {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

void AddProcess(hostfs::testing::FixtureTree& tree, int pid, int parent, const char* cgroup) {
  std::string dir = "/proc/" + std::to_string(pid);
  tree.AddFile(dir + "/stat", std::to_string(pid) + " (proc) S " + std::to_string(parent) +
                                  " 0 0 0\n");
  if (cgroup != nullptr) tree.AddFile(dir + "/cgroup", cgroup);
}

TEST(ProcessTableTest, ReadsEveryProcessAndKeepsUnreadableCgroups) {
  hostfs::testing::FixtureTree tree;
  AddProcess(tree, 1, 0, "0::/init.scope\n");
  AddProcess(tree, 10, 1, "0::/docker/" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n");
  AddProcess(tree, 11, 10, "this is not a cgroup file");
  AddProcess(tree, 12, 11, "0::/\n");
  AddProcess(tree, 13, 1, nullptr);  // exited between the two reads
  tree.AddDirectory("/proc/self");
  tree.AddDirectory("/proc/driver");
  ASSERT_OK_AND_ASSIGN(hostfs::HostView view, hostfs::HostView::AtPrefix(tree.prefix()));
  ASSERT_OK_AND_ASSIGN(ProcessTable table, ProcessTable::Read(view));

  std::vector<pid_t> pids;
  for (const ProcessEntry& e : table.entries()) pids.push_back(e.pid);
  EXPECT_THAT(pids, ElementsAre(1, 10, 11, 12));
  EXPECT_EQ(table.Find(10)->cgroup.container_id, std::string(64, 'a'));
  EXPECT_EQ(table.Find(13), nullptr);
  ASSERT_EQ(table.Unreadable().size(), 1u);
  EXPECT_EQ(table.Unreadable()[0]->pid, 11);
  EXPECT_THAT(table.Unreadable()[0]->cgroup_status,
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("/proc/11/cgroup")));
  EXPECT_THAT(table.WithDescendants(10), ElementsAre(10, 11, 12));
  EXPECT_THAT(table.WithDescendants(1), ElementsAre(1, 10, 11, 12));
  EXPECT_THAT(table.WithDescendants(12), ElementsAre(12));
}

TEST(ProcessTableTest, ParentLoopsEndTheWalk) {
  ProcessTable table = ProcessTable::FromEntriesForTest(
      {{.pid = 5, .parent = 6, .cgroup = {}, .cgroup_status = {}},
       {.pid = 6, .parent = 5, .cgroup = {}, .cgroup_status = {}}});
  EXPECT_THAT(table.WithDescendants(5), ElementsAre(5, 6));
}

TEST(ProcessTableTest, NoProcIsAnError) {
  hostfs::testing::FixtureTree tree;
  ASSERT_OK_AND_ASSIGN(hostfs::HostView view, hostfs::HostView::AtPrefix(tree.prefix()));
  EXPECT_THAT(ProcessTable::Read(view), StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace gpulet::checkpoint

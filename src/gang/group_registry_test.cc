#include "gang/group_registry.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::gang {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

nlohmann::json VolcanoGroup(const std::string& name, nlohmann::json min_member) {
  return {{"metadata", {{"name", name}, {"namespace", "team"}}},
          {"spec", {{"minMember", min_member}, {"queue", "research"}}}};
}

PodMembership MemberOf(GroupSource source, const std::string& name) {
  PodMembership membership;
  membership.group = GroupKey{source, "team", name};
  return membership;
}

TEST(GroupRegistryTest, ResolvesAGroupOnceSeenAndForgetsItWhenDeleted) {
  GroupRegistry registry;
  PodMembership member = MemberOf(GroupSource::kVolcano, "pg");
  EXPECT_THAT(registry.ResolveGroup(member),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("team/pg does not exist yet")));
  registry.OnPodGroupEvent(GroupSource::kVolcano, "ADDED", VolcanoGroup("pg", 4));
  ASSERT_OK_AND_ASSIGN(PodGroupSpec spec, registry.ResolveGroup(member));
  EXPECT_EQ(spec.min_member, 4);
  EXPECT_EQ(spec.queue, "research");
  ASSERT_TRUE(registry.GroupObject(member.group.value()));
  // The same name under the other project's API is another group.
  EXPECT_THAT(registry.ResolveGroup(MemberOf(GroupSource::kSchedulerPlugins, "pg")),
              StatusIs(absl::StatusCode::kNotFound));
  registry.OnPodGroupEvent(GroupSource::kVolcano, "MODIFIED", VolcanoGroup("pg", 6));
  ASSERT_OK_AND_ASSIGN(spec, registry.ResolveGroup(member));
  EXPECT_EQ(spec.min_member, 6);
  registry.OnPodGroupEvent(GroupSource::kVolcano, "DELETED", VolcanoGroup("pg", 6));
  EXPECT_THAT(registry.ResolveGroup(member), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_FALSE(registry.GroupObject(member.group.value()));
}

TEST(GroupRegistryTest, AMalformedUpdateForgetsTheGroupSoItsPodsWait) {
  GroupRegistry registry;
  registry.OnPodGroupEvent(GroupSource::kVolcano, "ADDED", VolcanoGroup("pg", 4));
  registry.OnPodGroupEvent(GroupSource::kVolcano, "MODIFIED", VolcanoGroup("pg", "four"));
  EXPECT_THAT(registry.ResolveGroup(MemberOf(GroupSource::kVolcano, "pg")),
              StatusIs(absl::StatusCode::kNotFound));
  registry.OnPodGroupEvent(GroupSource::kVolcano, "ADDED", nlohmann::json::array());
}

TEST(GroupRegistryTest, GpuletGroupsNeedNoObjectAndPodsInNoGroupResolveToNothing) {
  GroupRegistry registry;
  PodMembership member = MemberOf(GroupSource::kGpulet, "g");
  member.min_member = 3;
  ASSERT_OK_AND_ASSIGN(PodGroupSpec spec, registry.ResolveGroup(member));
  EXPECT_EQ(spec.min_member, 3);
  EXPECT_THAT(registry.ResolveGroup(PodMembership{}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(GroupRegistryTest, WatchedQueuesWinOverConfiguredOnesAndListSorted) {
  GroupRegistry registry;
  EXPECT_FALSE(registry.queues_in_use());
  QueueSpec zeta;
  zeta.name = "zeta";
  QueueSpec research;
  research.name = "research";
  research.weight = 2;
  registry.SetConfiguredQueues({zeta, research});
  EXPECT_TRUE(registry.queues_in_use());
  registry.OnQueueEvent("ADDED", {{"metadata", {{"name", "research"}}}, {"spec", {{"weight", 5}}}});
  registry.OnQueueEvent("ADDED", {{"metadata", {{"name", "alpha"}}}});
  std::vector<QueueSpec> queues = registry.Queues();
  ASSERT_EQ(queues.size(), 3u);
  EXPECT_EQ(queues[0].name, "alpha");
  EXPECT_EQ(queues[1].name, "research");
  EXPECT_EQ(queues[1].weight, 5);
  EXPECT_EQ(queues[2].name, "zeta");
  ASSERT_TRUE(registry.FindQueue("zeta"));
  EXPECT_FALSE(registry.FindQueue("nope"));
  registry.OnQueueEvent("DELETED", {{"metadata", {{"name", "research"}}}});
  EXPECT_EQ(registry.FindQueue("research")->weight, 2);
  // A malformed update forgets the watched queue.
  registry.OnQueueEvent("MODIFIED", {{"metadata", {{"name", "alpha"}}}, {"spec", {{"weight", -1}}}});
  EXPECT_FALSE(registry.FindQueue("alpha"));
}

}  // namespace
}  // namespace gpulet::gang

#include "gang/pod_membership.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::gang {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

nlohmann::json Pod(nlohmann::json annotations, nlohmann::json labels = nlohmann::json::object()) {
  return {{"metadata",
           {{"name", "p"}, {"namespace", "team"}, {"annotations", annotations}, {"labels", labels}}},
          {"spec", {{"priority", 7}}}};
}

TEST(ReadPodMembershipTest, PodInNoGroup) {
  ASSERT_OK_AND_ASSIGN(PodMembership membership, ReadPodMembership(Pod(nlohmann::json::object())));
  EXPECT_FALSE(membership.group);
  EXPECT_EQ(membership.queue, "");
  EXPECT_EQ(membership.priority, 7);
  ASSERT_OK_AND_ASSIGN(membership, ReadPodMembership(nlohmann::json::object()));
  EXPECT_FALSE(membership.group);
}

TEST(ReadPodMembershipTest, VolcanoAnnotationAndQueue) {
  ASSERT_OK_AND_ASSIGN(PodMembership membership,
                       ReadPodMembership(Pod({{"scheduling.k8s.io/group-name", "job-1"},
                                              {"scheduling.volcano.sh/queue-name", "research"}})));
  ASSERT_TRUE(membership.group);
  EXPECT_EQ(*membership.group, (GroupKey{GroupSource::kVolcano, "team", "job-1"}));
  EXPECT_EQ(membership.group->ToString(), "team/job-1");
  EXPECT_EQ(membership.queue, "research");
}

TEST(ReadPodMembershipTest, SchedulerPluginsLabel) {
  ASSERT_OK_AND_ASSIGN(PodMembership membership,
                       ReadPodMembership(Pod(nlohmann::json::object(),
                                             {{"scheduling.x-k8s.io/pod-group", "pg"}})));
  ASSERT_TRUE(membership.group);
  EXPECT_EQ(membership.group->source, GroupSource::kSchedulerPlugins);
}

TEST(ReadPodMembershipTest, GpuletAnnotations) {
  ASSERT_OK_AND_ASSIGN(PodMembership membership,
                       ReadPodMembership(Pod({{"gpulet.io/group", "train"},
                                              {"gpulet.io/group-min-member", "8"},
                                              {"gpulet.io/queue", "batch"},
                                              {"scheduling.volcano.sh/queue-name", "other"}})));
  EXPECT_EQ(membership.group->source, GroupSource::kGpulet);
  EXPECT_EQ(membership.min_member, 8);
  EXPECT_EQ(membership.queue, "batch");
}

TEST(ReadPodMembershipTest, TheSameGroupTwiceIsRefused) {
  EXPECT_THAT(ReadPodMembership(Pod({{"scheduling.k8s.io/group-name", "a"}},
                                    {{"scheduling.x-k8s.io/pod-group", "a"}})),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("two groups")));
}

TEST(ReadPodMembershipTest, MalformedInputIsRefusedWithTheKey) {
  for (const char* bad : {"", "0", "-3", "10001", "eight", "8.5", " 8"}) {
    nlohmann::json annotations = {{"gpulet.io/group", "g"}};
    if (*bad != '\0') annotations["gpulet.io/group-min-member"] = bad;
    EXPECT_THAT(ReadPodMembership(Pod(annotations)),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("gpulet.io/group-min-member")))
        << bad;
  }
  EXPECT_THAT(ReadPodMembership(Pod({{"scheduling.k8s.io/group-name", "Bad_Name"}})),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a valid object name")));
  EXPECT_THAT(ReadPodMembership(Pod({{"gpulet.io/queue", "-q"}})),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("gpulet.io/queue")));
  // Wrong types read as absent, never throw.
  ASSERT_OK_AND_ASSIGN(PodMembership membership,
                       ReadPodMembership({{"metadata", {{"annotations", {{"gpulet.io/group", 3}}},
                                                        {"labels", "x"}}},
                                          {"spec", {{"priority", "high"}}}}));
  EXPECT_FALSE(membership.group);
  EXPECT_EQ(membership.priority, 0);
}

}  // namespace
}  // namespace gpulet::gang

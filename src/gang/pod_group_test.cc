#include "gang/pod_group.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::gang {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

nlohmann::json Group(nlohmann::json spec) {
  return {{"metadata", {{"name", "pg"}, {"namespace", "team"}, {"uid", "u1"}}}, {"spec", spec}};
}

TEST(ParsePodGroupTest, VolcanoFields) {
  ASSERT_OK_AND_ASSIGN(PodGroupSpec spec,
                       ParsePodGroup(GroupSource::kVolcano,
                                     Group({{"minMember", 4},
                                            {"minResources", {{"nvidia.com/gpu", "8"}}},
                                            {"priorityClassName", "high"}})));
  EXPECT_EQ(spec.key, (GroupKey{GroupSource::kVolcano, "team", "pg"}));
  EXPECT_EQ(spec.uid, "u1");
  EXPECT_EQ(spec.min_member, 4);
  EXPECT_EQ(spec.min_resources.gpu_milli, 8000);
  EXPECT_EQ(spec.queue, "default");  // Volcano's default queue
  EXPECT_EQ(spec.priority_class_name, "high");
  EXPECT_FALSE(spec.schedule_timeout_seconds);
}

TEST(ParsePodGroupTest, SchedulerPluginsFields) {
  ASSERT_OK_AND_ASSIGN(PodGroupSpec spec,
                       ParsePodGroup(GroupSource::kSchedulerPlugins,
                                     Group({{"minMember", 0}, {"scheduleTimeoutSeconds", 20}})));
  EXPECT_EQ(spec.min_member, 1);
  EXPECT_EQ(spec.queue, "");
  EXPECT_EQ(spec.schedule_timeout_seconds, 20);
}

TEST(ParsePodGroupTest, MalformedObjectsNameTheField) {
  struct Case {
    nlohmann::json object;
    const char* field;
  };
  std::vector<Case> cases = {
      {{{"metadata", {{"namespace", "x"}}}}, "metadata.name"},
      {{{"metadata", {{"name", "x"}}}}, "metadata.namespace"},
      {Group({{"minMember", -1}}), "spec.minMember"},
      {Group({{"minMember", "3"}}), "spec.minMember"},
      {Group({{"minMember", 2.5}}), "spec.minMember"},
      {Group({{"minMember", 1000000}}), "spec.minMember"},
      {Group({{"minResources", {{"cpu", "lots"}}}}), "spec.minResources"},
      {Group({{"queue", 3}}), "spec.queue"},
      {Group({{"scheduleTimeoutSeconds", 0}}), "spec.scheduleTimeoutSeconds"},
      {Group("spec"), "spec"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParsePodGroup(GroupSource::kVolcano, c.object),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.field)))
        << c.object.dump();
  }
}

TEST(GpuletGroupSpecTest, FromAnnotations) {
  PodMembership membership;
  membership.group = GroupKey{GroupSource::kGpulet, "team", "g"};
  membership.min_member = 3;
  membership.queue = "q";
  PodGroupSpec spec = GpuletGroupSpec(membership);
  EXPECT_EQ(spec.key, *membership.group);
  EXPECT_EQ(spec.min_member, 3);
  EXPECT_EQ(spec.queue, "q");
}

}  // namespace
}  // namespace gpulet::gang

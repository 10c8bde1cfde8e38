#include "gang/group_status.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::gang {
namespace {

using ::testing::HasSubstr;

nlohmann::json Group(nlohmann::json status = nullptr) {
  nlohmann::json group = {{"apiVersion", "scheduling.volcano.sh/v1beta1"},
                          {"kind", "PodGroup"},
                          {"metadata", {{"name", "pg"}, {"namespace", "team"}, {"uid", "u1"},
                                        {"resourceVersion", "7"}}},
                          {"spec", {{"minMember", 2}}}};
  if (!status.is_null()) group["status"] = status;
  return group;
}

GroupObservation Waiting(const std::string& reason, int64_t now = 1000) {
  GroupObservation observation;
  observation.reason = reason;
  observation.message = "group team/pg needs 2 members; 1 exist";
  observation.now_unix = now;
  return observation;
}

TEST(VolcanoStatusUpdateTest, WaitingGroupGetsPendingAndAnUnschedulableCondition) {
  std::optional<nlohmann::json> update = VolcanoStatusUpdate(Group(), Waiting("NotEnoughPods"));
  ASSERT_TRUE(update);
  const nlohmann::json& status = (*update)["status"];
  EXPECT_EQ(status["phase"], "Pending");
  ASSERT_EQ(status["conditions"].size(), 1u);
  EXPECT_EQ(status["conditions"][0]["type"], "Unschedulable");
  EXPECT_EQ(status["conditions"][0]["reason"], "NotEnoughPods");
  EXPECT_EQ(status["conditions"][0]["lastTransitionTime"], "1970-01-01T00:16:40Z");
  EXPECT_EQ((*update)["metadata"]["resourceVersion"], "7");  // a PUT of what was read
  // Nothing changed since: nothing to write, whatever the time.
  EXPECT_FALSE(VolcanoStatusUpdate(*update, Waiting("NotEnoughPods", 2000)));
  // A new reason replaces the condition.
  std::optional<nlohmann::json> next =
      VolcanoStatusUpdate(*update, Waiting("NotEnoughResources", 2000));
  ASSERT_TRUE(next);
  ASSERT_EQ((*next)["status"]["conditions"].size(), 1u);
  EXPECT_EQ((*next)["status"]["conditions"][0]["reason"], "NotEnoughResources");
}

TEST(VolcanoStatusUpdateTest, RunningGroupCountsAndKeepsForeignConditions) {
  nlohmann::json other = {{"type", "Custom"}, {"status", "True"}};
  GroupObservation running;
  running.state = GroupState::kRunning;
  running.running = 2;
  running.succeeded = 1;
  running.now_unix = 5;
  std::optional<nlohmann::json> update = VolcanoStatusUpdate(
      Group({{"phase", "Pending"},
             {"conditions", {other, {{"type", "Unschedulable"}, {"status", "True"}}}}}),
      running);
  ASSERT_TRUE(update);
  const nlohmann::json& status = (*update)["status"];
  EXPECT_EQ(status["phase"], "Running");
  EXPECT_EQ(status["running"], 2);
  EXPECT_EQ(status["succeeded"], 1);
  EXPECT_EQ(status["failed"], 0);
  ASSERT_EQ(status["conditions"].size(), 2u);
  EXPECT_EQ(status["conditions"][0], other);
  EXPECT_EQ(status["conditions"][1]["type"], "Scheduled");
}

TEST(VolcanoStatusUpdateTest, PhasesOfEveryState) {
  const std::vector<std::pair<GroupState, std::string>> phases = {
      {GroupState::kWaiting, "Pending"},   {GroupState::kScheduling, "Inqueue"},
      {GroupState::kRunning, "Running"},   {GroupState::kFinished, "Completed"},
      {GroupState::kFailed, "Unknown"}};
  for (const auto& [state, phase] : phases) {
    GroupObservation observation;
    observation.state = state;
    EXPECT_EQ((*VolcanoStatusUpdate(Group(), observation))["status"]["phase"], phase);
  }
}

TEST(VolcanoStatusUpdateTest, MalformedStatusIsReplaced) {
  std::optional<nlohmann::json> update =
      VolcanoStatusUpdate(Group("bad"), Waiting("NotEnoughPods"));
  ASSERT_TRUE(update);
  EXPECT_EQ((*update)["status"]["phase"], "Pending");
  update = VolcanoStatusUpdate(Group({{"conditions", "bad"}}), Waiting("NotEnoughPods"));
  ASSERT_TRUE(update);
  EXPECT_TRUE((*update)["status"]["conditions"].is_array());
}

TEST(VolcanoStatusUpdateTest, NotAnObjectIsLeftAlone) {
  for (const nlohmann::json& bad : {nlohmann::json("fvid"), nlohmann::json::array(),
                                    nlohmann::json(3), nlohmann::json()}) {
    EXPECT_FALSE(VolcanoStatusUpdate(bad, Waiting("NotEnoughPods")));
    EXPECT_FALSE(SchedulerPluginsStatusPatch(bad, Waiting("NotEnoughPods")));
  }
}

TEST(SchedulerPluginsStatusPatchTest, PatchesOnlyWhatChanged) {
  GroupObservation scheduling;
  scheduling.state = GroupState::kScheduling;
  scheduling.now_unix = 60;
  std::optional<nlohmann::json> patch = SchedulerPluginsStatusPatch(Group(), scheduling);
  ASSERT_TRUE(patch);
  EXPECT_EQ((*patch)["status"]["phase"], "Scheduling");
  EXPECT_EQ((*patch)["status"]["scheduleStartTime"], "1970-01-01T00:01:00Z");
  nlohmann::json applied = Group((*patch)["status"]);
  EXPECT_FALSE(SchedulerPluginsStatusPatch(applied, scheduling));
  scheduling.state = GroupState::kRunning;
  scheduling.running = 2;
  patch = SchedulerPluginsStatusPatch(applied, scheduling);
  ASSERT_TRUE(patch);
  EXPECT_EQ(*patch, (nlohmann::json{{"status", {{"phase", "Running"}, {"running", 2}}}}));
}

TEST(QueueAllocatedPatchTest, RemovesWhatDroppedToNone) {
  nlohmann::json patch = QueueAllocatedPatch({2000, 1500, 512});
  EXPECT_EQ(patch["status"]["allocated"],
            (nlohmann::json{{"cpu", "1500m"},
                            {"memory", "512Mi"},
                            {"nvidia.com/gpu", "2"},
                            {"gpulet.io/gpu-milli", nullptr}}));
  patch = QueueAllocatedPatch({500, 0, 0});
  EXPECT_EQ(patch["status"]["allocated"]["nvidia.com/gpu"], nullptr);
  EXPECT_EQ(patch["status"]["allocated"]["gpulet.io/gpu-milli"], "500");
  EXPECT_EQ(patch["status"]["allocated"]["cpu"], "0");
}

TEST(GroupEventTest, NamesTheObjectReasonAndComponent) {
  PodGroupSpec spec;
  spec.key = {GroupSource::kVolcano, "team", "pg"};
  nlohmann::json event = GroupEvent(spec, Group(), "Warning", "NotEnoughPods", "needs 2", 1000);
  EXPECT_EQ(event["kind"], "Event");
  EXPECT_EQ(event["metadata"]["namespace"], "team");
  EXPECT_THAT(event["metadata"]["name"].get<std::string>(), HasSubstr("pg."));
  EXPECT_EQ(event["involvedObject"]["kind"], "PodGroup");
  EXPECT_EQ(event["involvedObject"]["uid"], "u1");
  EXPECT_EQ(event["reason"], "NotEnoughPods");
  EXPECT_EQ(event["source"]["component"], "gpulet-scheduler-extender");
  nlohmann::json other = GroupEvent(spec, Group(), "Warning", "NotEnoughResources", "x", 1000);
  EXPECT_NE(event["metadata"]["name"], other["metadata"]["name"]);
  // Without an object the group's own name and namespace are used.
  nlohmann::json bare = GroupEvent(spec, nlohmann::json::object(), "Warning", "R", "m", 1);
  EXPECT_EQ(bare["involvedObject"]["name"], "pg");
  EXPECT_EQ(bare["metadata"]["namespace"], "team");
}

TEST(PathsTest, PodGroupAndQueuePaths) {
  EXPECT_EQ(PodGroupPath({GroupSource::kVolcano, "team", "pg"}),
            "/apis/scheduling.volcano.sh/v1beta1/namespaces/team/podgroups/pg");
  EXPECT_EQ(PodGroupPath({GroupSource::kSchedulerPlugins, "team", "pg"}),
            "/apis/scheduling.x-k8s.io/v1alpha1/namespaces/team/podgroups/pg");
  EXPECT_EQ(PodGroupPath({GroupSource::kGpulet, "team", "pg"}), "");
  EXPECT_EQ(PodGroupCollectionPath(GroupSource::kVolcano),
            "/apis/scheduling.volcano.sh/v1beta1/podgroups");
  EXPECT_EQ(QueuePath("research"), "/apis/scheduling.volcano.sh/v1beta1/queues/research");
}

}  // namespace
}  // namespace gpulet::gang

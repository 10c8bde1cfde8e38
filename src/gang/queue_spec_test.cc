#include "gang/queue_spec.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::gang {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ParseVolcanoQueueTest, ReadsSpecAndState) {
  ASSERT_OK_AND_ASSIGN(
      QueueSpec queue,
      ParseVolcanoQueue({{"metadata", {{"name", "research"}}},
                         {"spec",
                          {{"weight", 3},
                           {"capability", {{"nvidia.com/gpu", 16}, {"cpu", "64"}}},
                           {"guarantee", {{"resource", {{"nvidia.com/gpu", "4"}}}}},
                           {"reclaimable", false}}},
                         {"status", {{"state", "Closed"}}}}));
  EXPECT_EQ(queue.name, "research");
  EXPECT_EQ(queue.weight, 3);
  EXPECT_EQ(queue.capability.gpu_milli, 16000);
  EXPECT_EQ(queue.capability.cpu_milli, 64000);
  EXPECT_EQ(queue.guarantee.gpu_milli, 4000);
  EXPECT_FALSE(queue.reclaimable);
  EXPECT_FALSE(queue.open);
}

TEST(ParseVolcanoQueueTest, DefaultsAreVolcanos) {
  ASSERT_OK_AND_ASSIGN(QueueSpec queue, ParseVolcanoQueue({{"metadata", {{"name", "default"}}}}));
  EXPECT_EQ(queue.weight, 1);
  EXPECT_TRUE(queue.capability.empty());
  EXPECT_TRUE(queue.reclaimable);
  EXPECT_TRUE(queue.open);
}

TEST(ParseVolcanoQueueTest, MalformedQueuesNameTheField) {
  EXPECT_THAT(ParseVolcanoQueue(nlohmann::json::array()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("metadata.name")));
  nlohmann::json queue = {{"metadata", {{"name", "q"}}}};
  for (const auto& [field, value] :
       std::vector<std::pair<std::string, nlohmann::json>>{
           {"weight", 0}, {"weight", "2"}, {"capability", {{"cpu", "x"}}},
           {"reclaimable", "yes"}}) {
    nlohmann::json bad = queue;
    bad["spec"][field] = value;
    EXPECT_THAT(ParseVolcanoQueue(bad),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("spec." + field)))
        << bad.dump();
  }
  nlohmann::json bad = queue;
  bad["status"]["state"] = "Sleeping";
  EXPECT_THAT(ParseVolcanoQueue(bad), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ParseQueueFileTest, ReadsEveryField) {
  ASSERT_OK_AND_ASSIGN(std::vector<QueueSpec> queues, ParseQueueFile(R"(
queues:
- name: research
  weight: 3
  capability: {nvidia.com/gpu: "16", memory: 1Ti}
  guarantee: {nvidia.com/gpu: 4}
  reclaimable: false
  state: Open
- name: batch
  state: Closed
)"));
  ASSERT_EQ(queues.size(), 2u);
  EXPECT_EQ(queues[0].name, "research");
  EXPECT_EQ(queues[0].weight, 3);
  EXPECT_EQ(queues[0].capability.gpu_milli, 16000);
  EXPECT_EQ(queues[0].capability.memory_mib, 1024 * 1024);
  EXPECT_EQ(queues[0].guarantee.gpu_milli, 4000);
  EXPECT_FALSE(queues[0].reclaimable);
  EXPECT_TRUE(queues[0].open);
  EXPECT_EQ(queues[1].weight, 1);
  EXPECT_FALSE(queues[1].open);
}

TEST(ParseQueueFileTest, EmptyFileHasNoQueues) {
  ASSERT_OK_AND_ASSIGN(std::vector<QueueSpec> queues, ParseQueueFile("queues: []\n"));
  EXPECT_TRUE(queues.empty());
  ASSERT_OK_AND_ASSIGN(queues, ParseQueueFile("queues:\n"));
  EXPECT_TRUE(queues.empty());
}

TEST(ParseQueueFileTest, MalformedFilesSayWhere) {
  struct Case {
    const char* text;
    const char* says;
  };
  for (const Case& c : std::vector<Case>{
           {"queues: [", "queues file"},
           {"- a\n- b\n", "queues file"},
           {"queue: []\n", "queue"},
           {"queues: {name: a}\n", "must be a list"},
           {"queues: [a]\n", "queues[0]"},
           {"queues: [{weight: 2}]\n", "has no name"},
           {"queues: [{name: a, weight: 0}]\n", "queue a.weight"},
           {"queues: [{name: a, weight: x}]\n", "weight"},
           {"queues: [{name: a, wieght: 2}]\n", "not a queue field"},
           {"queues: [{name: a, capability: [1]}]\n", "capability"},
           {"queues: [{name: a, capability: {cpu: lots}}]\n", "capability"},
           {"queues: [{name: a, capability: {cpu: [1]}}]\n", "capability"},
           {"queues: [{name: a, state: Asleep}]\n", "Open or Closed"},
           {"queues: [{name: a, reclaimable: maybe}]\n", "true or false"},
           {"queues: [{name: a}, {name: a}]\n", "defined twice"},
       }) {
    EXPECT_THAT(ParseQueueFile(c.text),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.says)))
        << c.text;
  }
}

}  // namespace
}  // namespace gpulet::gang

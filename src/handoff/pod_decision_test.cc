#include "handoff/pod_decision.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::handoff {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

PodDecision TwoContainers() {
  return PodDecision{
      .node = "gpu-node-1",
      .time_unix = 1700000000,
      .containers = {
          {"main", {{"GPU-a", 0, 500, 0}}},
          {"sidecar", {{"GPU-c", 2, 1000, 0}, {"GPU-d", 3, 1000, 0}}},
      }};
}

TEST(PodDecisionTest, EncodesSortedKeys) {
  EXPECT_EQ(EncodePodDecision(TwoContainers()),
            R"({"containers":[{"gpus":[{"index":0,"memoryMiB":0,"milli":500,"uuid":"GPU-a"}],)"
            R"("name":"main"},{"gpus":[{"index":2,"memoryMiB":0,"milli":1000,"uuid":"GPU-c"},)"
            R"({"index":3,"memoryMiB":0,"milli":1000,"uuid":"GPU-d"}],"name":"sidecar"}],)"
            R"("node":"gpu-node-1","time":1700000000})");
}

TEST(PodDecisionTest, RoundTripsAndKeepsContainerOrder) {
  ASSERT_OK_AND_ASSIGN(PodDecision decoded, DecodePodDecision(EncodePodDecision(TwoContainers())));
  EXPECT_EQ(decoded, TwoContainers());
  EXPECT_FALSE(decoded.containers[0].gpus[0].whole());
  EXPECT_TRUE(decoded.containers[1].gpus[0].whole());
}

TEST(PodDecisionTest, MemoryShareIsNotWhole) {
  GpuGrant grant{"GPU-a", 0, 1000, 20480};
  EXPECT_FALSE(grant.whole());
}

TEST(PodDecisionTest, RejectsMalformedAnnotationsNamingTheField) {
  struct BadCase {
    const char* json;
    const char* expected;
  };
  const BadCase cases[] = {
      {"nope", "not valid JSON"},
      {"null", "expected a JSON object"},
      {R"({"time":1,"containers":[]})", "node: missing"},
      {R"({"node":"","time":1,"containers":[]})", "node: empty"},
      {R"({"node":"n","containers":[]})", "time: missing"},
      {R"({"node":"n","time":-1,"containers":[]})", "time: must be in"},
      {R"({"node":"n","time":1})", "containers: missing"},
      {R"({"node":"n","time":1,"containers":[[]]})", "containers[0]: expected an object"},
      {R"({"node":"n","time":1,"containers":[{"gpus":[]}]})", "containers[0].name: missing"},
      {R"({"node":"n","time":1,"containers":[{"name":"c","gpus":[]}]})", "containers[0].gpus: no GPUs"},
      {R"({"node":"n","time":1,"containers":[{"name":"c","gpus":[{"uuid":"GPU-a","index":0,"milli":0,"memoryMiB":0}]}]})",
       "containers[0].gpus[0].milli: must be in 1..1000"},
      {R"({"node":"n","time":1,"containers":[{"name":"c","gpus":[{"uuid":"GPU-a","index":0,"milli":1001,"memoryMiB":0}]}]})",
       "containers[0].gpus[0].milli: must be in 1..1000"},
      {R"({"node":"n","time":1,"containers":[{"name":"c","gpus":[{"uuid":"GPU-a","index":0,"milli":10}]}]})",
       "containers[0].gpus[0].memoryMiB: missing"},
      {R"({"node":"n","time":1,"containers":[{"name":"c","gpus":[{"uuid":"GPU-a","index":0,"milli":10,"memoryMiB":0},{"uuid":"GPU-a","index":1,"milli":10,"memoryMiB":0}]}]})",
       "containers[0].gpus[1].uuid: GPU GPU-a granted twice"},
      {R"({"node":"n","time":1,"containers":[{"name":"c","gpus":[{"uuid":"GPU-a","index":0,"milli":10,"memoryMiB":0}]},{"name":"c","gpus":[{"uuid":"GPU-b","index":1,"milli":10,"memoryMiB":0}]}]})",
       "containers[1].name: container c appears twice"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.json);
    EXPECT_THAT(DecodePodDecision(c.json),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         AllOf(HasSubstr("gpulet.io/decision"), HasSubstr(c.expected))));
  }
}

}  // namespace
}  // namespace gpulet::handoff

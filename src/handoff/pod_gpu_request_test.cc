#include "handoff/pod_gpu_request.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::handoff {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

nlohmann::json Pod(std::string_view containers) {
  return nlohmann::json::parse(std::string(R"({"metadata":{"name":"p"},"spec":{"containers":)") +
                               std::string(containers) + "}}");
}

TEST(PodGpuRequestTest, WholeGpusFromLimits) {
  ASSERT_OK_AND_ASSIGN(
      auto requests,
      ParsePodGpuRequests(Pod(R"([{"name":"a","resources":{"limits":{"nvidia.com/gpu":"2"}}}])")));
  EXPECT_THAT(requests, ElementsAre(ContainerGpuRequest{"a", 2, 1000, 0}));
  EXPECT_FALSE(requests[0].shared());
}

TEST(PodGpuRequestTest, SharesImplyOneGpu) {
  ASSERT_OK_AND_ASSIGN(
      auto requests,
      ParsePodGpuRequests(Pod(R"([{"name":"a","resources":{"limits":{"gpulet.io/gpu-milli":"250"}}},
                                  {"name":"b","resources":{"requests":{"gpulet.io/gpu-memory":"20k"}}},
                                  {"name":"c","resources":{"limits":{"nvidia.com/gpu":2,"gpulet.io/gpu-milli":500}}}])")));
  EXPECT_THAT(requests, ElementsAre(ContainerGpuRequest{"a", 1, 250, 0},
                                    ContainerGpuRequest{"b", 1, 1000, 20000},
                                    ContainerGpuRequest{"c", 2, 500, 0}));
  EXPECT_TRUE(requests[0].shared());
  EXPECT_TRUE(requests[1].shared());
}

TEST(PodGpuRequestTest, LimitsWinOverRequests) {
  ASSERT_OK_AND_ASSIGN(
      auto requests,
      ParsePodGpuRequests(Pod(R"([{"name":"a","resources":{"limits":{"nvidia.com/gpu":"1"},
                                                          "requests":{"nvidia.com/gpu":"3"}}}])")));
  EXPECT_THAT(requests, ElementsAre(ContainerGpuRequest{"a", 1, 1000, 0}));
}

TEST(PodGpuRequestTest, SkipsContainersWithoutGpusAndInitContainers) {
  nlohmann::json pod = Pod(R"([{"name":"cpu","resources":{"limits":{"cpu":"500m","memory":"1Gi"}}},
                               {"name":"none"},
                               {"name":"nulls","resources":{"limits":null,"requests":null}},
                               {"name":"zero","resources":{"limits":{"nvidia.com/gpu":"0"}}},
                               {"name":"gpu","resources":{"limits":{"nvidia.com/gpu":"1"}}}])");
  pod["spec"]["initContainers"] =
      nlohmann::json::parse(R"([{"name":"init","resources":{"limits":{"nvidia.com/gpu":"1"}}}])");
  ASSERT_OK_AND_ASSIGN(auto requests, ParsePodGpuRequests(pod));
  EXPECT_THAT(requests, ElementsAre(ContainerGpuRequest{"gpu", 1, 1000, 0}));
}

TEST(PodGpuRequestTest, CpuOnlyPodAsksNothing) {
  ASSERT_OK_AND_ASSIGN(auto requests, ParsePodGpuRequests(Pod(R"([{"name":"a"}])")));
  EXPECT_THAT(requests, IsEmpty());
}

TEST(PodGpuRequestTest, RejectsBadPodsNamingContainerAndResource) {
  struct BadCase {
    nlohmann::json pod;
    const char* expected;
  };
  const BadCase cases[] = {
      {nlohmann::json::array(), "pod: expected an object"},
      {nlohmann::json::object(), "pod: spec: missing"},
      {nlohmann::json::parse(R"({"spec":{}})"), "spec.containers: missing"},
      {nlohmann::json::parse(R"({"spec":{"containers":{}}})"), "spec.containers: missing"},
      {Pod("[3]"), "spec.containers[0]: expected an object"},
      {Pod(R"([{"name":"a","resources":{"limits":[]}}])"), "\"a\": limits: expected an object"},
      {Pod(R"([{"name":"a","resources":{"limits":{"nvidia.com/gpu":"two"}}}])"),
       "\"a\": nvidia.com/gpu: quantity \"two\""},
      {Pod(R"([{"name":"a","resources":{"limits":{"nvidia.com/gpu":"-1"}}}])"),
       "\"a\": nvidia.com/gpu: must be a whole non-negative number"},
      {Pod(R"([{"name":"a","resources":{"limits":{"nvidia.com/gpu":"1500m"}}}])"),
       "must be a whole non-negative number, got 1500m"},
      {Pod(R"([{"name":"a","resources":{"limits":{"nvidia.com/gpu":1.5}}}])"),
       "nvidia.com/gpu: expected a quantity"},
      {Pod(R"([{"name":"a","resources":{"limits":{"nvidia.com/gpu":"5000"}}}])"),
       "at most 1024 GPUs"},
      {Pod(R"([{"name":"a","resources":{"limits":{"gpulet.io/gpu-milli":"1001"}}}])"),
       "gpulet.io/gpu-milli: must be in 1..1000, got 1001"},
      {Pod(R"([{"resources":{"limits":{"nvidia.com/gpu":"x"}}}])"), "\"#0\""},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.pod.dump());
    EXPECT_THAT(ParsePodGpuRequests(c.pod),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.expected)));
  }
}

}  // namespace
}  // namespace gpulet::handoff

#include "plugin/pending_pod.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handoff/annotations.h"

namespace gpulet::plugin {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kDecision[] =
    R"({"containers":[{"gpus":[{"index":3,"memoryMiB":0,"milli":1000,"uuid":"GPU-3"}],)"
    R"("name":"main"}],"node":"n1","time":1700000000})";

nlohmann::json Pod(std::map<std::string, std::string> annotations, std::string node = "n1",
                   std::string phase = "Pending") {
  nlohmann::json pod = {
      {"metadata",
       {{"namespace", "default"},
        {"name", "p"},
        {"uid", "u-1"},
        {"creationTimestamp", "2023-11-14T22:13:20Z"},
        {"annotations", annotations}}},
      {"spec", {{"nodeName", node}}},
      {"status", {{"phase", phase}}}};
  return pod;
}

TEST(ParsePendingPodTest, ReadsDecisionCountAndIdentity) {
  ASSERT_OK_AND_ASSIGN(std::optional<PendingPod> pod,
                       ParsePendingPod(Pod({{"gpulet.io/decision", kDecision},
                                            {"gpulet.io/allocated-containers", "0"},
                                            {"gpulet.io/bind-phase", "allocating"}}),
                                       "n1"));
  ASSERT_TRUE(pod.has_value());
  EXPECT_EQ(pod->Key(), "default/p");
  EXPECT_EQ(pod->uid, "u-1");
  EXPECT_EQ(pod->created_unix, 1700000000);
  EXPECT_EQ(pod->allocated, 0);
  ASSERT_EQ(pod->decision.containers.size(), 1u);
  EXPECT_EQ(pod->decision.containers[0].gpus[0].uuid, "GPU-3");
}

TEST(ParsePendingPodTest, PodsThatAreNotPendingDecisionsHereAreSkipped) {
  struct Case {
    const char* what;
    nlohmann::json pod;
  };
  nlohmann::json deleting = Pod({{"gpulet.io/decision", kDecision}});
  deleting["metadata"]["deletionTimestamp"] = "2023-11-14T22:14:00Z";
  const Case cases[] = {
      {"no decision", Pod({})},
      {"bound elsewhere", Pod({{"gpulet.io/decision", kDecision}}, "n2")},
      {"not bound yet", Pod({{"gpulet.io/decision", kDecision}}, "")},
      {"running", Pod({{"gpulet.io/decision", kDecision}}, "n1", "Running")},
      {"done", Pod({{"gpulet.io/decision", kDecision}, {"gpulet.io/bind-phase", "success"}})},
      {"failed", Pod({{"gpulet.io/decision", kDecision}, {"gpulet.io/bind-phase", "failed"}})},
      {"deleting", deleting},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::optional<PendingPod>> pod = ParsePendingPod(c.pod, "n1");
    ASSERT_TRUE(pod.ok()) << c.what << ": " << pod.status();
    EXPECT_FALSE(pod->has_value()) << c.what;
  }
}

TEST(ParsePendingPodTest, GarbageIsAnErrorNamingPodAndAnnotation) {
  struct Case {
    const char* what;
    nlohmann::json pod;
    const char* message;
  };
  const Case cases[] = {
      {"not json", Pod({{"gpulet.io/decision", "{"}}), "default/p: annotation gpulet.io/decision"},
      {"no containers", Pod({{"gpulet.io/decision", R"({"node":"n1","time":1})"}}),
       "gpulet.io/decision"},
      {"other node",
       Pod({{"gpulet.io/decision",
             R"({"containers":[{"gpus":[{"index":0,"memoryMiB":0,"milli":1000,"uuid":"GPU-0"}],)"
             R"("name":"c"}],"node":"n9","time":1})"}}),
       "decided for node \"n9\", bound to \"n1\""},
      {"count not a number",
       Pod({{"gpulet.io/decision", kDecision}, {"gpulet.io/allocated-containers", "x"}}),
       "gpulet.io/allocated-containers: \"x\" is not a count from 0 to 1"},
      {"count too big",
       Pod({{"gpulet.io/decision", kDecision}, {"gpulet.io/allocated-containers", "2"}}),
       "\"2\" is not a count"},
      {"negative count",
       Pod({{"gpulet.io/decision", kDecision}, {"gpulet.io/allocated-containers", "-1"}}),
       "\"-1\" is not a count"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParsePendingPod(c.pod, "n1").status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.what;
  }
  EXPECT_THAT(ParsePendingPod(nlohmann::json::array(), "n1").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ParsePendingPodTest, OddlyTypedFieldsDoNotThrow) {
  nlohmann::json pod = Pod({{"gpulet.io/decision", kDecision}});
  pod["metadata"]["annotations"]["gpulet.io/bind-phase"] = 7;
  pod["metadata"]["creationTimestamp"] = "yesterday";
  pod["spec"]["nodeName"] = "n1";
  ASSERT_OK_AND_ASSIGN(std::optional<PendingPod> parsed, ParsePendingPod(pod, "n1"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->created_unix, 0);
  pod["metadata"]["annotations"] = "nope";
  ASSERT_OK_AND_ASSIGN(parsed, ParsePendingPod(pod, "n1"));
  EXPECT_FALSE(parsed.has_value());
}

}  // namespace
}  // namespace gpulet::plugin

#include "checkpoint/pod_lookup.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::checkpoint {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ParsePodRefTest, GoodAndMalformed) {
  ASSERT_OK_AND_ASSIGN(PodRef ref, ParsePodRef("ml/trainer-0"));
  EXPECT_EQ(ref.ns, "ml");
  EXPECT_EQ(ref.name, "trainer-0");
  for (const char* bad : {"", "trainer", "/x", "x/", "a/b/c"}) {
    EXPECT_THAT(ParsePodRef(bad), StatusIs(absl::StatusCode::kInvalidArgument,
                                           HasSubstr("NAMESPACE/NAME")))
        << bad;
  }
}

TEST(PodInfoFromObjectTest, ReadsUidNodeContainersAndIds) {
  nlohmann::json pod = nlohmann::json::parse(R"({
    "metadata": {"name": "p", "namespace": "ns", "uid": "u-1"},
    "spec": {"nodeName": "n1", "containers": [{"name": "a"}, {"name": "b"}]},
    "status": {"containerStatuses": [
      {"name": "a", "containerID": "containerd://0123abcd"},
      {"name": "b"}, {"name": "c", "containerID": "cri-o://not hex"}]}})");
  ASSERT_OK_AND_ASSIGN(PodInfo info, PodInfoFromObject({"ns", "p"}, pod));
  EXPECT_EQ(info.uid, "u-1");
  EXPECT_EQ(info.node_name, "n1");
  EXPECT_THAT(info.containers, ElementsAre("a", "b"));
  EXPECT_THAT(info.container_ids, ElementsAre("0123abcd"));
}

TEST(PodInfoFromObjectTest, MalformedObjects) {
  struct Case { const char* json; const char* message; };
  for (const Case& c : {
           Case{R"({"spec": {"containers": [{"name": "a"}]}})", "no metadata.uid"},
           Case{R"({"metadata": {"uid": 7}, "spec": {"containers": [{"name": "a"}]}})",
                "no metadata.uid"},
           Case{R"({"metadata": {"uid": "u"}, "spec": {}})", "no spec.containers"},
           Case{R"({"metadata": {"uid": "u"}, "spec": {"containers": {}}})",
                "no spec.containers"},
           Case{R"({"metadata": {"uid": "u"}, "spec": 3})", "pod ns/p"},
           Case{R"({"metadata": {"uid": "u"}, "spec": {"containers": [{"name": "a"}]},
                    "status": {"containerStatuses": [{"containerID": 5}]}})", "pod ns/p"},
       }) {
    EXPECT_THAT(PodInfoFromObject({"ns", "p"}, nlohmann::json::parse(c.json)),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.json;
  }
}

}  // namespace
}  // namespace gpulet::checkpoint

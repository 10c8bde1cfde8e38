#include "checkpoint/cgroup_identity.h"

#include <string>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::checkpoint {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

const std::string kId(64, 'a');
const std::string kId2 = std::string(63, '0') + "f";
constexpr char kUid[] = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
constexpr char kUidSlice[] = "0f1e2d3c_4b5a_6978_8796_a5b4c3d2e1f0";

TEST(ParseCgroupIdentityTest, GoodInputs) {
  struct Case {
    std::string name, text;
    CgroupIdentity want;
  };
  const std::string slice =
      std::string("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod") + kUidSlice +
      ".slice/";
  for (const Case& c : std::vector<Case>{
           {"containerd systemd v2", "0::" + slice + "cri-containerd-" + kId + ".scope\n",
            {kId, kUid}},
           {"containerd cgroupfs v2", "0::/kubepods/burstable/pod" + std::string(kUid) + "/" + kId,
            {kId, kUid}},
           {"CRI-O systemd v2", "0::" + slice + "crio-" + kId + ".scope\n", {kId, kUid}},
           {"CRI-O nested container cgroup",
            "0::" + slice + "crio-" + kId + ".scope/container\n", {kId, kUid}},
           {"CRI-O monitor is no container", "0::" + slice + "crio-conmon-" + kId + ".scope\n",
            {"", kUid}},
           {"CRI-O cgroupfs v2",
            "0::/kubepods/burstable/pod" + std::string(kUid) + "/crio-" + kId + "\n",
            {kId, kUid}},
           {"CRI-O cgroupfs monitor is no container",
            "0::/kubepods/burstable/pod" + std::string(kUid) + "/crio-conmon-" + kId + "\n",
            {"", kUid}},
           {"docker systemd", "0::/system.slice/docker-" + kId + ".scope\n", {kId, ""}},
           {"docker cgroupfs", "0::/docker/" + kId + "\n", {kId, ""}},
           {"cgroup v1, one line per hierarchy",
            "12:memory:/kubepods/besteffort/pod" + std::string(kUid) + "/" + kId +
                "\n11:cpu,cpuacct:/kubepods/besteffort/pod" + kUid + "/" + kId +
                "\n1:name=systemd:/kubepods/besteffort/pod" + kUid + "/" + kId + "\n",
            {kId, kUid}},
           {"v1 with an unrelated first line",
            "13:rdma:/\n12:pids:/kubepods/pod" + std::string(kUid) + "/" + kId2 + "\n",
            {kId2, kUid}},
           {"pod-level cgroup (sandbox)", "0::" + slice, {"", kUid}},
           {"host process", "0::/init.scope\n", {"", ""}},
           {"path with a colon", "0::/user.slice/a:b.scope\n", {"", ""}},
           {"uppercase UID is lowered",
            "0::/kubepods/pod0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0/" + kId, {kId, kUid}},
       }) {
    absl::StatusOr<CgroupIdentity> got = ParseCgroupIdentity(c.text);
    ASSERT_OK(got) << c.name;
    EXPECT_EQ(got->container_id, c.want.container_id) << c.name;
    EXPECT_EQ(got->pod_uid, c.want.pod_uid) << c.name;
  }
}

TEST(ParseCgroupIdentityTest, MalformedInputs) {
  struct Case {
    const char* name;
    std::string text;
    const char* message;
  };
  for (const Case& c : std::vector<Case>{
           {"empty", "", "empty"},
           {"only newlines", "\n\n", "empty"},
           {"no separators", "garbage\n", "line 1 \"garbage\""},
           {"one separator", "0:/kubepods\n", "line 1"},
           {"hierarchy not a number", "x::/kubepods\n", "line 1"},
           {"relative path", "0::kubepods/pod\n", "line 1"},
           {"bad second line", "0::/\nnonsense", "line 2 \"nonsense\""},
       }) {
    EXPECT_THAT(ParseCgroupIdentity(c.text),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.name;
  }
}

TEST(CgroupPathTest, RejectsLookalikes) {
  EXPECT_EQ(ContainerIdFromCgroupPath("/docker/" + std::string(63, 'a')), "");
  EXPECT_EQ(ContainerIdFromCgroupPath("/docker/" + std::string(64, 'A')), "");
  EXPECT_EQ(ContainerIdFromCgroupPath("/cri-containerd-" + kId), "");  // no .scope
  EXPECT_EQ(PodUidFromCgroupPath("/kubepods/podnot-a-uid"), "");
  EXPECT_EQ(PodUidFromCgroupPath("/kubepods/burstable"), "");
}

TEST(NormalizeContainerRefTest, AcceptsIdsPrefixesAndUris) {
  EXPECT_EQ(NormalizeContainerRef(kId).value_or(""), kId);
  EXPECT_EQ(NormalizeContainerRef("containerd://" + kId).value_or(""), kId);
  EXPECT_EQ(NormalizeContainerRef("cri-o://abc123").value_or(""), "abc123");
  for (std::string bad : {std::string(""), std::string("xyz"), std::string(65, 'a'),
                          std::string("ABC"), std::string("docker://")}) {
    EXPECT_THAT(NormalizeContainerRef(bad),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("CRI container id")))
        << bad;
  }
}

}  // namespace
}  // namespace gpulet::checkpoint

#include "checkpoint/target_resolver.h"

#include <string>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostfs/testing/fixture_tree.h"
#include "kube/testing/fake_api_server.h"

namespace gpulet::checkpoint {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kAppId = std::string(60, 'a') + "1111";
const std::string kSidecarId = std::string(60, 'a') + "2222";
const std::string kOtherId = std::string(64, 'b');
constexpr char kUid[] = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
constexpr char kSlice[] =
    "0::/kubepods.slice/kubepods-besteffort.slice/"
    "kubepods-besteffort-pod0f1e2d3c_4b5a_6978_8796_a5b4c3d2e1f0.slice";

class TargetResolverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A pod (sandbox 20, app 21 with child 22, sidecar 23), a docker
    // container (30) and host processes (1, 40); 50's cgroup file is
    // corrupt.
    Add(1, 0, "0::/init.scope\n");
    Add(20, 1, std::string(kSlice) + "/cri-containerd-" + std::string(64, 'c') + ".scope\n");
    Add(21, 1, std::string(kSlice) + "/cri-containerd-" + kAppId + ".scope\n");
    Add(22, 21, std::string(kSlice) + "/cri-containerd-" + kAppId + ".scope\n");
    Add(23, 1, std::string(kSlice) + "/cri-containerd-" + kSidecarId + ".scope\n");
    Add(30, 1, "0::/system.slice/docker-" + kOtherId + ".scope\n");
    Add(40, 1, "0::/user.slice\n");
    Add(41, 40, "0::/user.slice\n");
    Add(50, 1, "garbage");
    ASSERT_OK_AND_ASSIGN(view_, hostfs::HostView::AtPrefix(tree_.prefix()));
  }

  void Add(int pid, int parent, const std::string& cgroup) {
    std::string dir = "/proc/" + std::to_string(pid);
    tree_.AddFile(dir + "/stat",
                  std::to_string(pid) + " (p) S " + std::to_string(parent) + " 1 1\n");
    tree_.AddFile(dir + "/cgroup", cgroup);
  }

  absl::StatusOr<std::vector<pid_t>> Resolve(Target::Kind kind, std::string value,
                                             kube::Client* client = nullptr) {
    return TargetResolver(view_, client).Resolve({kind, std::move(value)});
  }

  hostfs::testing::FixtureTree tree_;
  hostfs::HostView view_;
};

TEST_F(TargetResolverTest, PidTakesItsDescendants) {
  EXPECT_THAT(*Resolve(Target::Kind::kPid, "21"), ElementsAre(21, 22));
  EXPECT_THAT(*Resolve(Target::Kind::kPid, "40"), ElementsAre(40, 41));
  EXPECT_THAT(Resolve(Target::Kind::kPid, "99"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("pid 99")));
  EXPECT_THAT(Resolve(Target::Kind::kPid, "x"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Resolve(Target::Kind::kPid, "0"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(TargetResolverTest, ContainerByIdPrefixOrUri) {
  EXPECT_THAT(*Resolve(Target::Kind::kContainer, kAppId), ElementsAre(21, 22));
  EXPECT_THAT(*Resolve(Target::Kind::kContainer, "containerd://" + kAppId), ElementsAre(21, 22));
  EXPECT_THAT(*Resolve(Target::Kind::kContainer, "bbbbbbbbbbbbb"), ElementsAre(30));
  EXPECT_THAT(Resolve(Target::Kind::kContainer, "aaaa"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("matches 2 containers")));
  EXPECT_THAT(Resolve(Target::Kind::kContainer, "dddd"),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("1 processes with an unreadable cgroup file")));
  EXPECT_THAT(Resolve(Target::Kind::kContainer, "not-hex"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(TargetResolverTest, PodFromTheApiServer) {
  ASSERT_OK_AND_ASSIGN(auto server, kube::testing::FakeApiServer::Start());
  nlohmann::json pod = kube::testing::PodObject("ml", "trainer", "node-1");
  pod["metadata"]["uid"] = kUid;
  ASSERT_OK(server->AddPod(pod));
  ASSERT_OK_AND_ASSIGN(auto client, kube::Client::Create(server->client_config()));

  EXPECT_THAT(*Resolve(Target::Kind::kPod, "ml/trainer", client.get()), ElementsAre(20, 21, 22, 23));
  EXPECT_THAT(Resolve(Target::Kind::kPod, "ml/missing", client.get()),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("pod ml/missing not found")));
  EXPECT_THAT(Resolve(Target::Kind::kPod, "trainer", client.get()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("NAMESPACE/NAME")));
  EXPECT_THAT(Resolve(Target::Kind::kPod, "ml/trainer"),
              StatusIs(absl::StatusCode::kFailedPrecondition));

  nlohmann::json elsewhere = kube::testing::PodObject("ml", "elsewhere", "node-2");
  elsewhere["metadata"]["uid"] = "11111111-2222-3333-4444-555555555555";
  ASSERT_OK(server->AddPod(elsewhere));
  EXPECT_THAT(Resolve(Target::Kind::kPod, "ml/elsewhere", client.get()),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("runs on node node-2")));
}

TEST_F(TargetResolverTest, PodByContainerIdsWhenTheCgroupHasNoPodUid) {
  // A runtime that names its cgroups after containers only (docker here).
  ASSERT_OK_AND_ASSIGN(auto server, kube::testing::FakeApiServer::Start());
  nlohmann::json pod = kube::testing::PodObject("ml", "legacy", "node-1");
  pod["metadata"]["uid"] = "99999999-2222-3333-4444-555555555555";
  pod["status"]["containerStatuses"] = {{{"name", "main"}, {"containerID", "docker://" + kOtherId}},
                                        {{"name", "waiting"}}};
  ASSERT_OK(server->AddPod(pod));
  ASSERT_OK_AND_ASSIGN(auto client, kube::Client::Create(server->client_config()));
  EXPECT_THAT(*Resolve(Target::Kind::kPod, "ml/legacy", client.get()), ElementsAre(30));
}

}  // namespace
}  // namespace gpulet::checkpoint

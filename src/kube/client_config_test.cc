#include "kube/client_config.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kube/testing/temp_dir.h"

namespace gpulet::kube {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kKubeconfig[] = R"(
current-context: c
clusters: [{name: k, cluster: {server: "https://from-file:6443"}}]
users: [{name: u, user: {token: file-token}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
)";

class ClientConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sa_dir_ = dir_.Join("sa");
    dir_.Write("sa/token", "sa-token\n");
    dir_.Write("sa/ca.crt", "CA");
  }
  Environment InCluster(std::map<std::string, std::string, std::less<>> extra = {}) {
    extra.emplace("KUBERNETES_SERVICE_HOST", "10.96.0.1");
    extra.emplace("KUBERNETES_SERVICE_PORT", "443");
    return Environment::FromMap(std::move(extra));
  }

  testing::TempDir dir_;
  std::string sa_dir_;
};

TEST_F(ClientConfigTest, InClusterReadsTokenAndCa) {
  ASSERT_OK_AND_ASSIGN(ClientConfig c, InClusterConfig(InCluster(), sa_dir_));
  EXPECT_EQ(c.server, "https://10.96.0.1:443");
  EXPECT_EQ(c.bearer_token, "sa-token");
  EXPECT_EQ(c.bearer_token_file, sa_dir_ + "/token");
  EXPECT_EQ(c.ca_file, sa_dir_ + "/ca.crt");
}

TEST_F(ClientConfigTest, InClusterBracketsIpv6) {
  Environment env = Environment::FromMap(
      {{"KUBERNETES_SERVICE_HOST", "fd00::1"}, {"KUBERNETES_SERVICE_PORT", "6443"}});
  ASSERT_OK_AND_ASSIGN(ClientConfig c, InClusterConfig(env, sa_dir_));
  EXPECT_EQ(c.server, "https://[fd00::1]:6443");
}

TEST_F(ClientConfigTest, InClusterErrors) {
  EXPECT_THAT(InClusterConfig(Environment::FromMap({}), sa_dir_),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("KUBERNETES_SERVICE_HOST")));
  EXPECT_THAT(InClusterConfig(InCluster(), dir_.Join("nowhere")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("nowhere/token")));
  dir_.Write("empty/token", " \n");
  EXPECT_THAT(InClusterConfig(InCluster(), dir_.Join("empty")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("token is empty")));
}

TEST_F(ClientConfigTest, ResolutionOrderFollowsClientGo) {
  std::string flag_file = dir_.Write("flag.yaml", kKubeconfig);
  std::string env_file = dir_.Write("env.yaml", std::string(kKubeconfig) + "\n# env\n");
  dir_.Write("home/.kube/config", kKubeconfig);
  std::string home = dir_.Join("home");

  // The flag beats everything.
  ASSERT_OK_AND_ASSIGN(ClientConfig c,
                       ResolveClientConfig(flag_file, InCluster({{"KUBECONFIG", "/x"}}), sa_dir_));
  EXPECT_EQ(c.server, "https://from-file:6443");
  // $KUBECONFIG (first existing entry) beats in-cluster.
  ASSERT_OK_AND_ASSIGN(
      c, ResolveClientConfig("", InCluster({{"KUBECONFIG", "/none:" + env_file}}), sa_dir_));
  EXPECT_EQ(c.bearer_token, "file-token");
  EXPECT_THAT(ResolveClientConfig("", InCluster({{"KUBECONFIG", "/none"}}), sa_dir_),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("KUBECONFIG=/none")));
  // In-cluster beats $HOME.
  ASSERT_OK_AND_ASSIGN(c, ResolveClientConfig("", InCluster({{"HOME", home}}), sa_dir_));
  EXPECT_EQ(c.bearer_token, "sa-token");
  // $HOME/.kube/config last.
  ASSERT_OK_AND_ASSIGN(c, ResolveClientConfig("", Environment::FromMap({{"HOME", home}}), sa_dir_));
  EXPECT_EQ(c.bearer_token, "file-token");
  EXPECT_THAT(ResolveClientConfig("", Environment::FromMap({{"HOME", dir_.Join("x")}}), sa_dir_),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("no Kubernetes API configuration")));
}

}  // namespace
}  // namespace gpulet::kube

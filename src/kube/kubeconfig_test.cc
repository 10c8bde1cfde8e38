#include "absl/strings/escaping.h"
#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kube/client_config.h"
#include "kube/testing/temp_dir.h"

namespace gpulet::kube {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kTwoContexts[] = R"(
apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod-cluster
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority: certs/ca.crt
- name: dev-cluster
  cluster:
    server: https://dev:6443
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    client-certificate: /abs/admin.crt
    client-key: keys/admin.key
- name: robot
  user:
    token: s3cret
    tokenFile: robot.token
contexts:
- name: prod
  context: {cluster: prod-cluster, user: admin}
- name: dev
  context: {cluster: dev-cluster, user: robot, namespace: x}
)";

TEST(KubeconfigTest, CurrentContextWithClientCertFilesAndRelativePaths) {
  ASSERT_OK_AND_ASSIGN(ClientConfig c,
                       ParseKubeconfig(kTwoContexts, "/home/u/.kube/config", "/home/u/.kube"));
  EXPECT_EQ(c.server, "https://10.0.0.1:6443");
  EXPECT_EQ(c.ca_file, "/home/u/.kube/certs/ca.crt");
  EXPECT_EQ(c.client_cert_file, "/abs/admin.crt");
  EXPECT_EQ(c.client_key_file, "/home/u/.kube/keys/admin.key");
  EXPECT_TRUE(c.bearer_token.empty());
  EXPECT_FALSE(c.insecure_skip_tls_verify);
}

TEST(KubeconfigTest, NamedContextWithToken) {
  ASSERT_OK_AND_ASSIGN(ClientConfig c, ParseKubeconfig(kTwoContexts, "cfg", "/d", "dev"));
  EXPECT_EQ(c.server, "https://dev:6443");
  EXPECT_EQ(c.bearer_token, "s3cret");
  EXPECT_EQ(c.bearer_token_file, "/d/robot.token");
  EXPECT_TRUE(c.insecure_skip_tls_verify);
}

TEST(KubeconfigTest, DataFieldsAreBase64Decoded) {
  std::string text = R"(
current-context: c
clusters:
- name: k
  cluster: {server: "https://k:443", certificate-authority-data: )" +
                     absl::Base64Escape("CA PEM") + R"(}
users:
- name: u
  user:
    client-certificate-data: )" + absl::Base64Escape("CERT PEM") + R"(
    client-key-data: )" + absl::Base64Escape("KEY PEM") + R"(
contexts:
- name: c
  context: {cluster: k, user: u}
)";
  ASSERT_OK_AND_ASSIGN(ClientConfig c, ParseKubeconfig(text, "cfg", "/"));
  EXPECT_EQ(c.ca_data, "CA PEM");
  EXPECT_EQ(c.client_cert_data, "CERT PEM");
  EXPECT_EQ(c.client_key_data, "KEY PEM");
}

struct BadCase {
  std::string name;
  std::string text;
  std::string context;
  std::string error;  // expected substring
};

TEST(KubeconfigTest, MalformedInputsNameTheField) {
  const std::string contexts = R"(
contexts:
- name: c
  context: {cluster: k, user: u}
)";
  const std::string cluster = R"(
clusters:
- name: k
  cluster: {server: "https://k"}
)";
  const std::string user = R"(
users:
- name: u
  user: {token: t}
)";
  std::vector<BadCase> cases = {
      {"not yaml", "clusters: [unclosed", "", "cfg:1: not a valid kubeconfig"},
      {"scalar", "just text", "", "cfg: (top level): must be a map"},
      {"no current context", contexts + cluster + user, "", "cfg: current-context: is not set"},
      {"unknown current context", "current-context: nope\n" + contexts + cluster + user, "",
       "cfg: contexts: no entry named \"nope\""},
      {"unknown requested context", contexts + cluster + user, "other",
       "no entry named \"other\""},
      {"missing cluster", "current-context: c\n" + contexts + user, "",
       "cfg: clusters: no entry named \"k\""},
      {"missing user", "current-context: c\n" + contexts + cluster, "",
       "cfg: users: no entry named \"u\""},
      {"context without cluster",
       "current-context: c\ncontexts:\n- name: c\n  context: {user: u}\n" + cluster + user, "",
       "contexts[c].context.cluster: is missing"},
      {"cluster without server",
       "current-context: c\n" + contexts + "clusters:\n- name: k\n  cluster: {}\n" + user, "",
       "clusters[k].cluster.server: is missing"},
      {"bad base64",
       "current-context: c\n" + contexts + cluster +
           "users:\n- name: u\n  user: {client-certificate-data: '!!notb64', "
           "client-key-data: 'a2V5'}\n",
       "", "users[u].user.client-certificate-data: is not valid base64"},
      {"cert without key",
       "current-context: c\n" + contexts + cluster +
           "users:\n- name: u\n  user: {client-certificate: a.crt}\n",
       "", "users[u].user: client-certificate and client-key must be given together"},
      {"exec plugin",
       "current-context: c\n" + contexts + cluster +
           "users:\n- name: u\n  user: {exec: {command: aws}}\n",
       "", "users[u].user.exec: credential plugins are not supported"},
      {"bad insecure flag",
       "current-context: c\n" + contexts + user +
           "clusters:\n- name: k\n  cluster: {server: s, insecure-skip-tls-verify: maybe}\n",
       "", "clusters[k].cluster.insecure-skip-tls-verify: must be true or false"},
      {"clusters not a list", "current-context: c\n" + contexts + user + "clusters: {}\n", "",
       "cfg: clusters: must be a list"},
      {"server not a string",
       "current-context: c\n" + contexts + user +
           "clusters:\n- name: k\n  cluster: {server: [1]}\n",
       "", "clusters[k].cluster.server: must be a string"},
  };
  for (const BadCase& c : cases) {
    EXPECT_THAT(ParseKubeconfig(c.text, "cfg", "/", c.context),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.error)))
        << c.name;
  }
}

TEST(KubeconfigTest, FileIsReadAndPathsResolvedAgainstItsDirectory) {
  testing::TempDir dir;
  std::string file = dir.Write("sub/config", kTwoContexts);
  ASSERT_OK_AND_ASSIGN(ClientConfig c, KubeconfigConfig(file));
  EXPECT_EQ(c.ca_file, dir.Join("sub/certs/ca.crt"));
  EXPECT_THAT(KubeconfigConfig(dir.Join("missing")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("missing")));
}

}  // namespace
}  // namespace gpulet::kube

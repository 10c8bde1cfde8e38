// NodeFeatureWriter over KubeNodeFeatureStore against the in-memory API
// server: the object GFD publishes is created, left alone while the labels
// stay, replaced when they change, and a conflicting change is an error
// that the next pass recovers from; owner references come from the pod.
#include "labels/node_feature_kube.h"

#include <memory>
#include <optional>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kube/testing/fake_api_server.h"

namespace gpulet::labels {
namespace {

using ::gpulet::kube::testing::FakeApiServer;
using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kResource[] = "nfd.k8s-sigs.io/v1alpha1/nodefeatures";
constexpr char kPath[] =
    "/apis/nfd.k8s-sigs.io/v1alpha1/namespaces/gpu-operator/nodefeatures/"
    "nvidia-features-for-node-1";
const LabelMap kLabels = {{"nvidia.com/gpu.count", "8"}};

class NodeFeatureKubeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(server_, FakeApiServer::Start());
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<kube::Client> client,
                         kube::Client::Create(server_->client_config()));
    store_.emplace(std::shared_ptr<kube::Client>(std::move(client)));
  }
  std::optional<nlohmann::json> Stored() const {
    return server_->GetObject(kResource, "gpu-operator", "nvidia-features-for-node-1");
  }

  std::unique_ptr<FakeApiServer> server_;
  std::optional<KubeNodeFeatureStore> store_;
};

TEST_F(NodeFeatureKubeTest, CreatesSkipsAndReplaces) {
  NodeFeatureWriter writer(*store_, {"node-1", "gpu-operator"});
  ASSERT_OK_AND_ASSIGN(bool written, writer.Update(kLabels, {}));
  EXPECT_TRUE(written);
  std::optional<nlohmann::json> stored = Stored();
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ((*stored)["kind"], "NodeFeature");
  EXPECT_EQ((*stored)["metadata"]["labels"]["nfd.node.kubernetes.io/node-name"], "node-1");
  EXPECT_EQ((*stored)["spec"]["labels"]["nvidia.com/gpu.count"], "8");

  ASSERT_OK_AND_ASSIGN(written, writer.Update(kLabels, {}));
  EXPECT_FALSE(written);
  EXPECT_EQ(server_->RequestCount("PUT", kPath), 0);
  EXPECT_EQ(server_->RequestCount("POST", KubeNodeFeatureStore::CollectionPath("gpu-operator")),
            1);

  ASSERT_OK_AND_ASSIGN(written, writer.Update({{"nvidia.com/gpu.count", "7"}}, {}));
  EXPECT_TRUE(written);
  EXPECT_EQ(server_->RequestCount("PUT", kPath), 1);
  EXPECT_EQ((*Stored())["spec"]["labels"]["nvidia.com/gpu.count"], "7");
}

TEST_F(NodeFeatureKubeTest, ServerErrorsNameTheObjectAndTheNextPassRecovers) {
  NodeFeatureWriter writer(*store_, {"node-1", "gpu-operator"});
  server_->FailNextRequests("GET", kPath, 1, 403);
  EXPECT_THAT(writer.Update(kLabels, {}),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("NodeFeature gpu-operator/nvidia-features-for-node-1")));
  ASSERT_OK_AND_ASSIGN(bool written, writer.Update(kLabels, {}));
  EXPECT_TRUE(written);
}

TEST_F(NodeFeatureKubeTest, OwnerReferencesAreThePodAndItsController) {
  nlohmann::json pod = kube::testing::PodObject("gpu-operator", "gfd-x7k2p", "node-1");
  pod["metadata"]["ownerReferences"] = nlohmann::json::array(
      {{{"apiVersion", "apps/v1"}, {"kind", "DaemonSet"}, {"name", "gfd"},
        {"uid", "ds-uid"}, {"controller", true}}});
  ASSERT_OK_AND_ASSIGN(nlohmann::json added, server_->AddPod(pod));
  ASSERT_OK_AND_ASSIGN(nlohmann::json owners,
                       store_->OwnerReferences("gpu-operator", "gfd-x7k2p"));
  ASSERT_EQ(owners.size(), 2u);
  EXPECT_EQ(owners[0]["kind"], "Pod");
  EXPECT_EQ(owners[0]["uid"], added["metadata"]["uid"]);
  EXPECT_EQ(owners[1]["kind"], "DaemonSet");
  EXPECT_THAT(store_->OwnerReferences("gpu-operator", "gone"),
              StatusIs(absl::StatusCode::kNotFound));
}

// Members of another type used to throw nlohmann::json::type_error out of
// feature discovery (found while writing fuzz/kube_objects_fuzzer).
TEST(PodOwnerReferencesTest, WrongTypedMembersAreSkipped) {
  const nlohmann::json pod = nlohmann::json::parse(
      R"({"metadata":{"name":7,"uid":["u"],"ownerReferences":[)"
      R"({"kind":"DaemonSet","controller":"true"},{"kind":"ReplicaSet","controller":true},3]}})");
  const nlohmann::json owners = PodOwnerReferences(pod, "gfd-1");
  ASSERT_EQ(owners.size(), 2u);
  EXPECT_EQ(owners[0]["name"], "gfd-1");
  EXPECT_EQ(owners[0]["uid"], "");
  EXPECT_EQ(owners[1]["kind"], "ReplicaSet");
  EXPECT_EQ(PodOwnerReferences(nlohmann::json::parse(R"({"metadata":"m"})"), "p").size(), 1u);
  EXPECT_EQ(PodOwnerReferences(nlohmann::json::parse("[]"), "p").size(), 1u);
}

}  // namespace
}  // namespace gpulet::labels

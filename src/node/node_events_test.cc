#include "node/node_events.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kube/testing/fake_api_server.h"

namespace gpulet::node {
namespace {

using ::gpulet::testing::IsOk;

TEST(NodeWarningEventTest, NamesTheNodeAsTheKubeletDoes) {
  nlohmann::json event =
      NodeWarningEvent("node-1", "InvalidDevicePluginConfig", "why", "2026-12-04T05:00:00Z", 255);
  EXPECT_EQ(event["metadata"]["name"], "node-1.ff");
  EXPECT_EQ(event["metadata"]["namespace"], "default");
  EXPECT_EQ(event["involvedObject"]["kind"], "Node");
  EXPECT_EQ(event["involvedObject"]["name"], "node-1");
  EXPECT_EQ(event["type"], "Warning");
  EXPECT_EQ(event["reason"], "InvalidDevicePluginConfig");
  EXPECT_EQ(event["message"], "why");
  EXPECT_EQ(event["source"]["component"], "gpulet-node");
}

TEST(KubeNodeEventsTest, PostsToTheDefaultNamespace) {
  absl::StatusOr<std::unique_ptr<kube::testing::FakeApiServer>> server =
      kube::testing::FakeApiServer::Start();
  ASSERT_THAT(server.status(), IsOk());
  absl::StatusOr<std::unique_ptr<kube::Client>> client =
      kube::Client::Create((*server)->client_config());
  ASSERT_THAT(client.status(), IsOk());
  KubeNodeEvents events(client->get(), "node-1");
  ASSERT_THAT(events.Warning("InvalidDevicePluginConfig", "bad"), IsOk());
  int posted = 0;
  for (const kube::testing::RecordedRequest& r : (*server)->Requests()) {
    if (r.method == "POST" && r.path == "/api/v1/namespaces/default/events") ++posted;
  }
  EXPECT_EQ(posted, 1);
}

}  // namespace
}  // namespace gpulet::node

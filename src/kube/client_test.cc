#include "kube/client.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kube/testing/fake_api_server.h"
#include "kube/testing/temp_dir.h"

namespace gpulet::kube {
namespace {

using ::gpulet::kube::testing::FakeApiServer;
using ::gpulet::kube::testing::NodeObject;
using ::gpulet::kube::testing::PodObject;
using ::gpulet::kube::testing::RecordedRequest;
using ::gpulet::testing::IsOk;
using ::gpulet::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;


class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(server_, FakeApiServer::Start());
    ASSERT_OK_AND_ASSIGN(client_, Client::Create(server_->client_config()));
  }

  std::unique_ptr<Client> ClientWith(std::function<void(ClientConfig&)> change) {
    ClientConfig config = server_->client_config();
    change(config);
    return *Client::Create(config);
  }

  std::unique_ptr<FakeApiServer> server_;
  std::unique_ptr<Client> client_;
};

TEST_F(ClientTest, GetsNodeAndPod) {
  ASSERT_THAT(server_->AddNode(NodeObject("node-1", {{"zone", "a"}})), IsOk());
  ASSERT_THAT(server_->AddPod(PodObject("team", "train", "node-1")), IsOk());

  ASSERT_OK_AND_ASSIGN(nlohmann::json node, client_->GetNode("node-1"));
  EXPECT_EQ(node["metadata"]["name"], "node-1");
  EXPECT_EQ(node["metadata"]["labels"]["zone"], "a");
  ASSERT_OK_AND_ASSIGN(nlohmann::json pod, client_->GetPod("team", "train"));
  EXPECT_EQ(pod["spec"]["nodeName"], "node-1");
  EXPECT_EQ(server_->RequestCount("GET", "/api/v1/namespaces/team/pods/train"), 1);
}

TEST_F(ClientTest, MissingObjectIsNotFoundNamingPathAndServerMessage) {
  EXPECT_THAT(client_->GetNode("ghost"),
              StatusIs(absl::StatusCode::kNotFound,
                       AllOf(HasSubstr("GET /api/v1/nodes/ghost"), HasSubstr("HTTP 404"),
                             HasSubstr("nodes \"ghost\" not found"))));
  // A definite answer is not retried.
  EXPECT_EQ(server_->RequestCount("GET", "/api/v1/nodes/ghost"), 1);
}

TEST_F(ClientTest, ListFollowsContinueTokens) {
  for (int i = 0; i < 7; ++i) {
    ASSERT_THAT(server_->AddNode(NodeObject("node-" + std::to_string(i))), IsOk());
  }
  server_->SetMaxPageSize(3);
  ASSERT_OK_AND_ASSIGN(ObjectList list, client_->ListNodes());
  ASSERT_THAT(list.items, SizeIs(7));
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(list.items[i]["metadata"]["name"], "node-" + std::to_string(i));
  }
  EXPECT_EQ(list.resource_version, server_->ResourceVersion());
  std::vector<RecordedRequest> requests = server_->Requests();
  ASSERT_THAT(requests, SizeIs(3));
  EXPECT_EQ(requests[0].params.count("continue"), 0u);
  EXPECT_EQ(requests[0].params.find("limit")->second, "500");
  EXPECT_EQ(requests[1].params.count("continue"), 1u);
  EXPECT_EQ(requests[2].params.count("continue"), 1u);
}

TEST_F(ClientTest, ListPodsBySelectorsAndNamespace) {
  ASSERT_THAT(server_->AddPod(PodObject("a", "p1", "node-1", {{"app", "x"}})), IsOk());
  ASSERT_THAT(server_->AddPod(PodObject("a", "p2", "node-2", {{"app", "x"}})), IsOk());
  ASSERT_THAT(server_->AddPod(PodObject("b", "p3", "node-1", {{"app", "y"}})), IsOk());

  ASSERT_OK_AND_ASSIGN(ObjectList all, client_->ListPods(""));
  EXPECT_THAT(all.items, SizeIs(3));
  ASSERT_OK_AND_ASSIGN(ObjectList in_a, client_->ListPods("a"));
  EXPECT_THAT(in_a.items, SizeIs(2));
  ASSERT_OK_AND_ASSIGN(
      ObjectList on_node,
      client_->ListPods("", {.label_selector = "", .field_selector = "spec.nodeName=node-1"}));
  ASSERT_THAT(on_node.items, SizeIs(2));
  EXPECT_EQ(on_node.items[0]["metadata"]["name"], "p1");
  EXPECT_EQ(on_node.items[1]["metadata"]["name"], "p3");
  ASSERT_OK_AND_ASSIGN(ObjectList labelled,
                       client_->ListPods("", {.label_selector = "app=x",
                                              .field_selector = "spec.nodeName=node-2"}));
  ASSERT_THAT(labelled.items, SizeIs(1));
  EXPECT_EQ(labelled.items[0]["metadata"]["name"], "p2");
}

TEST_F(ClientTest, UnsupportedSelectorIsInvalidArgument) {
  EXPECT_THAT(client_->ListPods("", {.label_selector = "",
                                     .field_selector = "status.phase=Running"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("fieldSelector=status.phase"),
                             HasSubstr("field label not supported: status.phase"))));
}

TEST_F(ClientTest, PatchSendsExactMergePatch) {
  nlohmann::json node = NodeObject("node-1");
  node["metadata"]["annotations"] = {{"keep", "1"}, {"drop", "2"}};
  ASSERT_THAT(server_->AddNode(node), IsOk());

  ASSERT_THAT(client_->PatchNodeAnnotations("node-1", {{"drop", std::nullopt},
                                                       {"gpulet.io/x", "v"}}),
              IsOk());
  EXPECT_THAT(server_->PatchBodies(),
              ElementsAre(R"({"metadata":{"annotations":{"drop":null,"gpulet.io/x":"v"}}})"));
  EXPECT_EQ(server_->Requests().back().content_type, "application/merge-patch+json");
  nlohmann::json stored = *server_->GetNode("node-1");
  EXPECT_EQ(stored["metadata"]["annotations"],
            nlohmann::json({{"keep", "1"}, {"gpulet.io/x", "v"}}));
}

TEST_F(ClientTest, PatchPodAnnotationsAndMissingPod) {
  ASSERT_THAT(server_->AddPod(PodObject("ns", "p")), IsOk());
  ASSERT_THAT(client_->PatchPodAnnotations("ns", "p", {{"a", "b"}}), IsOk());
  EXPECT_EQ((*server_->GetPod("ns", "p"))["metadata"]["annotations"]["a"], "b");
  EXPECT_THAT(client_->PatchPodAnnotations("ns", "ghost", {{"a", "b"}}),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("PATCH /api/v1/namespaces/ns/pods/ghost")));
}

TEST_F(ClientTest, CreateBindingPostsBindingAndRefusesSecondBind) {
  ASSERT_OK_AND_ASSIGN(nlohmann::json pod, server_->AddPod(PodObject("ns", "p")));
  std::string uid = pod["metadata"]["uid"];

  ASSERT_THAT(client_->CreateBinding("ns", "p", uid, "node-7"), IsOk());
  EXPECT_EQ((*server_->GetPod("ns", "p"))["spec"]["nodeName"], "node-7");
  ASSERT_THAT(server_->BindingBodies(), SizeIs(1));
  nlohmann::json body = nlohmann::json::parse(server_->BindingBodies()[0]);
  EXPECT_EQ(body["kind"], "Binding");
  EXPECT_EQ(body["metadata"]["name"], "p");
  EXPECT_EQ(body["metadata"]["uid"], uid);
  EXPECT_EQ(body["target"], nlohmann::json({{"apiVersion", "v1"},
                                             {"kind", "Node"},
                                             {"name", "node-7"}}));

  EXPECT_THAT(client_->CreateBinding("ns", "p", uid, "node-8"),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("already assigned")));
  EXPECT_EQ(server_->BindingBodies().size(), 2u);
}

TEST_F(ClientTest, BindingIsNotRetriedAfterADefiniteAnswer) {
  ASSERT_THAT(server_->AddPod(PodObject("ns", "p")), IsOk());
  const std::string path = "/api/v1/namespaces/ns/pods/p/binding";
  server_->FailNextRequests("POST", path, 1, 503);
  EXPECT_THAT(client_->CreateBinding("ns", "p", "", "node-1"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("HTTP 503")));
  EXPECT_EQ(server_->RequestCount("POST", path), 1);

  // 429 means the server did not act on it: retried.
  server_->FailNextRequests("POST", path, 1, 429);
  EXPECT_THAT(client_->CreateBinding("ns", "p", "", "node-1"), IsOk());
  EXPECT_EQ(server_->RequestCount("POST", path), 3);
}

TEST_F(ClientTest, CreatePodAndAlreadyExists) {
  ASSERT_OK_AND_ASSIGN(nlohmann::json created,
                       client_->CreatePod("ns", PodObject("other", "p")));
  EXPECT_EQ(created["metadata"]["namespace"], "ns");
  EXPECT_FALSE(created["metadata"]["uid"].get<std::string>().empty());
  EXPECT_THAT(client_->CreatePod("ns", PodObject("ns", "p")),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("already exists")));
}

TEST_F(ClientTest, GenericCallsWorkOnCustomResources) {
  const std::string collection = "/apis/nfd.k8s-sigs.io/v1alpha1/namespaces/gpu/nodefeatures";
  const std::string path = collection + "/node-1";
  nlohmann::json feature = {{"apiVersion", "nfd.k8s-sigs.io/v1alpha1"},
                            {"kind", "NodeFeature"},
                            {"metadata", {{"name", "node-1"}}},
                            {"spec", {{"labels", {{"a", "1"}}}}}};
  ASSERT_OK_AND_ASSIGN(nlohmann::json created, client_->CreateObject(collection, feature));
  EXPECT_EQ(created["metadata"]["namespace"], "gpu");
  EXPECT_EQ(created["kind"], "NodeFeature");
  EXPECT_THAT(client_->CreateObject(collection, feature),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("POST " + collection)));

  nlohmann::json stale = created;
  stale["spec"]["labels"]["a"] = "2";
  ASSERT_OK_AND_ASSIGN(nlohmann::json replaced, client_->ReplaceObject(path, stale));
  EXPECT_EQ(replaced["spec"]["labels"]["a"], "2");
  // `stale` still carries the version it was read at.
  EXPECT_THAT(client_->ReplaceObject(path, stale),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("has been modified")));

  ASSERT_OK_AND_ASSIGN(nlohmann::json patched,
                       client_->MergePatchObject(path, {{"spec", {{"labels", {{"b", "3"}}}}}}));
  EXPECT_EQ(patched["spec"]["labels"], nlohmann::json({{"a", "2"}, {"b", "3"}}));
  ASSERT_OK_AND_ASSIGN(nlohmann::json got, client_->GetObject(path));
  EXPECT_EQ(got, patched);
  EXPECT_EQ(*server_->GetObject("nfd.k8s-sigs.io/v1alpha1/nodefeatures", "gpu", "node-1"),
            patched);

  ASSERT_THAT(client_->DeleteObject(path), IsOk());
  EXPECT_THAT(client_->GetObject(path), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(client_->DeleteObject(path),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("DELETE " + path)));
}

struct MappingCase {
  int http;
  absl::StatusCode code;
};

TEST_F(ClientTest, MapsEachHttpErrorToAStatusCode) {
  auto client = ClientWith([](ClientConfig& c) { c.max_attempts = 1; });
  for (const MappingCase& c : std::vector<MappingCase>{
           {400, absl::StatusCode::kInvalidArgument},
           {401, absl::StatusCode::kUnauthenticated},
           {403, absl::StatusCode::kPermissionDenied},
           {404, absl::StatusCode::kNotFound},
           {409, absl::StatusCode::kAborted},
           {410, absl::StatusCode::kOutOfRange},
           {422, absl::StatusCode::kInvalidArgument},
           {429, absl::StatusCode::kUnavailable},
           {500, absl::StatusCode::kUnavailable},
           {503, absl::StatusCode::kUnavailable},
           {504, absl::StatusCode::kDeadlineExceeded}}) {
    server_->FailNextRequests("GET", "/api/v1/nodes/n", 1, c.http);
    EXPECT_THAT(client->GetNode("n"),
                StatusIs(c.code, AllOf(HasSubstr("GET /api/v1/nodes/n: HTTP " +
                                                 std::to_string(c.http)),
                                       HasSubstr("injected failure"))))
        << c.http;
  }
}

TEST_F(ClientTest, RetriesServerErrorsThenSucceeds) {
  ASSERT_THAT(server_->AddNode(NodeObject("n")), IsOk());
  server_->FailNextRequests("GET", "/api/v1/nodes/n", 2, 503);
  EXPECT_THAT(client_->GetNode("n"), IsOk());
  EXPECT_EQ(server_->RequestCount("GET", "/api/v1/nodes/n"), 3);
}

TEST_F(ClientTest, GivesUpAfterMaxAttempts) {
  auto client = ClientWith([](ClientConfig& c) { c.max_attempts = 3; });
  server_->FailNextRequests("GET", "/api/v1/nodes/n", 10, 500);
  EXPECT_THAT(client->GetNode("n"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("after 3 attempts")));
  EXPECT_EQ(server_->RequestCount("GET", "/api/v1/nodes/n"), 3);
}

TEST_F(ClientTest, HonoursRetryAfter) {
  ASSERT_THAT(server_->AddNode(NodeObject("n")), IsOk());
  server_->FailNextRequests("GET", "/api/v1/nodes/n", 1, 429, {{"Retry-After", "1"}});
  auto start = std::chrono::steady_clock::now();
  EXPECT_THAT(client_->GetNode("n"), IsOk());
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(950));
  EXPECT_EQ(server_->RequestCount("GET", "/api/v1/nodes/n"), 2);
}

TEST_F(ClientTest, SlowServerIsDeadlineExceededWithoutHanging) {
  ASSERT_THAT(server_->AddNode(NodeObject("n")), IsOk());
  server_->SetLatency(absl::Milliseconds(1500));
  auto client = ClientWith([](ClientConfig& c) {
    c.request_timeout = absl::Milliseconds(200);
    c.max_attempts = 2;
  });
  auto start = std::chrono::steady_clock::now();
  EXPECT_THAT(client->GetNode("n"),
              StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("timed out")));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1200));
  server_->SetLatency(absl::ZeroDuration());
}

TEST(ClientNoServerTest, ConnectionRefusedIsUnavailable) {
  // A port that was free a moment ago; nothing listens on it.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  close(fd);
  ClientConfig config;
  config.server = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  config.max_attempts = 2;
  config.initial_backoff = absl::Milliseconds(1);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Client> client, Client::Create(config));
  EXPECT_THAT(client->GetNode("n"),
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(HasSubstr("GET /api/v1/nodes/n"), HasSubstr("after 2 attempts"))));
  // A binding that never reached a server is safe to retry, and is.
  EXPECT_THAT(client->CreateBinding("ns", "p", "", "n"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("after 2 attempts")));
}

TEST(ClientNoServerTest, RejectsServerWithoutScheme) {
  ClientConfig config;
  config.server = "127.0.0.1:6443";
  EXPECT_THAT(Client::Create(config),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("127.0.0.1:6443")));
}

TEST_F(ClientTest, MalformedResponsesAreClearErrors) {
  const std::string path = "/api/v1/nodes/n";
  server_->RespondRawToNextRequests("GET", path, 1, 200, R"({"kind":"Node","metadata":{)");
  EXPECT_THAT(client_->GetNode("n"),
              StatusIs(absl::StatusCode::kInternal,
                       AllOf(HasSubstr("GET /api/v1/nodes/n"), HasSubstr("not valid JSON"))));
  server_->RespondRawToNextRequests("GET", path, 1, 200, "[1,2]");
  EXPECT_THAT(client_->GetNode("n"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("not an object")));
  server_->RespondRawToNextRequests("GET", "/api/v1/nodes", 1, 200, R"({"items":{}})");
  EXPECT_THAT(client_->ListNodes(),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("items is not a list")));
  // An error body that is not a v1.Status still makes a readable error.
  server_->RespondRawToNextRequests("GET", path, 1, 403, "<html>denied</html>");
  EXPECT_THAT(client_->GetNode("n"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("<html>denied")));
}

TEST_F(ClientTest, SendsBearerTokenAndRereadsTokenFileOn401) {
  ASSERT_THAT(server_->AddNode(NodeObject("n")), IsOk());
  testing::TempDir dir;
  std::string token_file = dir.Write("token", "old-token\n");
  auto client = ClientWith([&](ClientConfig& c) { c.bearer_token_file = token_file; });
  ASSERT_THAT(client->GetNode("n"), IsOk());
  EXPECT_EQ(server_->Requests().back().authorization, "Bearer old-token");

  dir.Write("token", "new-token");
  server_->FailNextRequests("GET", "/api/v1/nodes/n", 1, 401);
  ASSERT_THAT(client->GetNode("n"), IsOk());
  EXPECT_EQ(server_->Requests().back().authorization, "Bearer new-token");
}

}  // namespace
}  // namespace gpulet::kube

#include "checkpoint/kubelet_checkpoint.h"

#include <httplib.h>

#include <atomic>
#include <thread>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http/testing/test_certificates.h"
#include "kube/testing/temp_dir.h"

namespace gpulet::checkpoint {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

void WaitUntilRunning(const httplib::Server& server) {
  for (int i = 0; i < 1000 && !server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

// A kubelet's checkpoint endpoint on loopback: answers per container name.
class FakeKubelet {
 public:
  FakeKubelet() {
    server_.Post(R"(/checkpoint/([^/]+)/([^/]+)/([^/]+))",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   ++calls_;
                   authorization_ = req.get_header_value("Authorization");
                   timeout_ = req.get_param_value("timeout");
                   const std::string container = req.matches[3];
                   // Both containers must be in flight at once to answer.
                   in_flight_++;
                   for (int i = 0; i < 200 && in_flight_ < 2 && container != "solo"; ++i) {
                     std::this_thread::sleep_for(std::chrono::milliseconds(5));
                   }
                   max_in_flight_ = std::max(max_in_flight_.load(), in_flight_.load());
                   if (container == "broken") {
                     res.status = 500;
                     res.set_content("checkpointing failed: rpc error: code = Unimplemented",
                                     "text/plain");
                   } else {
                     res.set_content(R"({"items":["/var/lib/kubelet/checkpoints/checkpoint-)" +
                                         std::string(req.matches[2]) + "-" + container +
                                         R"(.tar"]})",
                                     "application/json");
                   }
                   in_flight_--;
                 });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    WaitUntilRunning(server_);
  }
  ~FakeKubelet() {
    server_.stop();
    thread_.join();
  }
  kube::ClientConfig config() const {
    kube::ClientConfig c;
    c.server = "http://127.0.0.1:" + std::to_string(port_);
    c.bearer_token = "node-token";
    c.max_attempts = 1;
    return c;
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> calls_{0}, in_flight_{0}, max_in_flight_{0};
  std::string authorization_, timeout_;
};

TEST(KubeletCheckpointerTest, CheckpointsEveryContainerInParallel) {
  FakeKubelet kubelet;
  ASSERT_OK_AND_ASSIGN(auto checkpointer,
                       KubeletCheckpointer::Create(kubelet.config(), absl::Seconds(90)));
  PodInfo pod;
  pod.ref = {"ml", "trainer"};
  pod.containers = {"main", "sidecar"};
  std::vector<ContainerCheckpoint> results = checkpointer->CheckpointPod(pod);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_OK(results[0].status);
  EXPECT_EQ(results[0].container, "main");
  EXPECT_THAT(results[0].archives,
              ElementsAre("/var/lib/kubelet/checkpoints/checkpoint-trainer-main.tar"));
  EXPECT_THAT(results[1].archives,
              ElementsAre("/var/lib/kubelet/checkpoints/checkpoint-trainer-sidecar.tar"));
  EXPECT_EQ(kubelet.max_in_flight_, 2);
  EXPECT_EQ(kubelet.authorization_, "Bearer node-token");
  EXPECT_EQ(kubelet.timeout_, "90");
}

TEST(KubeletCheckpointerTest, RuntimeWithoutCheckpointSupport) {
  FakeKubelet kubelet;
  ASSERT_OK_AND_ASSIGN(auto checkpointer,
                       KubeletCheckpointer::Create(kubelet.config(), absl::Seconds(5)));
  EXPECT_THAT(checkpointer->CheckpointContainer({"ml", "p"}, "broken"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("container runtime cannot checkpoint")));
}

// What checkpointing container "main" of ml/p gets from a kubelet that
// answers every checkpoint with `code` and `body`.
absl::Status CheckpointAnsweredWith(int code, const std::string& body) {
  httplib::Server server;
  server.Post(R"(/checkpoint/.*)", [&](const httplib::Request&, httplib::Response& res) {
    res.status = code;
    res.set_content(body, "text/plain");
  });
  int port = server.bind_to_any_port("127.0.0.1");
  std::thread thread([&] { server.listen_after_bind(); });
  WaitUntilRunning(server);
  kube::ClientConfig config;
  config.server = "http://127.0.0.1:" + std::to_string(port);
  config.max_attempts = 1;
  absl::Status status;
  {
    absl::StatusOr<std::unique_ptr<KubeletCheckpointer>> checkpointer =
        KubeletCheckpointer::Create(config, absl::Seconds(5));
    status = checkpointer.ok() ? (*checkpointer)->CheckpointContainer({"ml", "p"}, "main").status()
                               : checkpointer.status();
    // Its pooled connection goes first, or the server waits out the
    // keep-alive.
  }
  server.stop();
  thread.join();
  return status;
}

TEST(KubeletCheckpointerTest, AKubeletThatDoesNotKnowThePodSaysNotFound) {
  EXPECT_THAT(CheckpointAnsweredWith(404, "pod does not exist"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("pod does not exist")));
}

TEST(KubeletCheckpointerTest, KubeletWithoutTheFeature) {
  // A kubelet without the gate has no such route (404); one that knows the
  // path for other methods says 405; some answer with the gate's name.
  struct Case { int code; const char* body; };
  for (const Case& c : {Case{404, "404 page not found"}, Case{405, "Method Not Allowed"},
                        Case{500, "ContainerCheckpoint feature gate is disabled"}}) {
    EXPECT_THAT(CheckpointAnsweredWith(c.code, c.body),
                StatusIs(absl::StatusCode::kFailedPrecondition,
                         HasSubstr("kubelet without the checkpoint feature (ContainerCheckpoint "
                                   "gate)")))
        << c.code;
  }
}

TEST(KubeletCheckpointerTest, HttpsWithClientCertificates) {
  // A kubelet serving TLS and authenticating its clients by certificate, as
  // a node's does; verified against the CA given, or not at all when asked.
  kube::testing::TempDir dir;
  ASSERT_OK(http::testing::MakeTestCertificates(dir.path()));
  httplib::SSLServer server(dir.Join("server.crt").c_str(), dir.Join("server.key").c_str(),
                            dir.Join("ca.crt").c_str());
  ASSERT_TRUE(server.is_valid());
  server.Post(R"(/checkpoint/.*)", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"items":["/var/lib/kubelet/checkpoints/c.tar"]})", "application/json");
  });
  int port = server.bind_to_any_port("127.0.0.1");
  std::thread thread([&] { server.listen_after_bind(); });
  WaitUntilRunning(server);
  kube::ClientConfig config;
  config.server = "https://127.0.0.1:" + std::to_string(port);
  config.client_cert_file = dir.Join("client.crt");
  config.client_key_file = dir.Join("client.key");
  config.max_attempts = 1;

  config.ca_file = dir.Join("ca.crt");
  ASSERT_OK_AND_ASSIGN(auto verified, KubeletCheckpointer::Create(config, absl::Seconds(5)));
  EXPECT_THAT(*verified->CheckpointContainer({"ml", "p"}, "main"),
              ElementsAre("/var/lib/kubelet/checkpoints/c.tar"));

  config.ca_file = dir.Join("other-ca.crt");
  ASSERT_OK_AND_ASSIGN(auto wrong_ca, KubeletCheckpointer::Create(config, absl::Seconds(5)));
  EXPECT_FALSE(wrong_ca->CheckpointContainer({"ml", "p"}, "main").ok());

  config.insecure_skip_tls_verify = true;
  ASSERT_OK_AND_ASSIGN(auto insecure, KubeletCheckpointer::Create(config, absl::Seconds(5)));
  EXPECT_OK(insecure->CheckpointContainer({"ml", "p"}, "main"));
  verified.reset();
  wrong_ca.reset();
  insecure.reset();
  server.stop();
  thread.join();
}

TEST(ParseCheckpointAnswerTest, GoodAndMalformed) {
  EXPECT_THAT(*ParseCheckpointAnswer(nlohmann::json::parse(R"({"items":["/a.tar","/b.tar"]})")),
              ElementsAre("/a.tar", "/b.tar"));
  for (const char* bad : {R"({})", R"({"items":[]})", R"({"items":"x"})", R"({"items":[1]})",
                          R"([])"}) {
    EXPECT_THAT(ParseCheckpointAnswer(nlohmann::json::parse(bad)),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("expected")))
        << bad;
  }
}

TEST(KubeletUrlForNodeTest, PrefersInternalIp) {
  auto node = nlohmann::json::parse(R"({"metadata":{"name":"n1"},"status":{"addresses":[
      {"type":"Hostname","address":"host-1"},{"type":"InternalIP","address":"10.0.0.5"}]}})");
  EXPECT_EQ(KubeletUrlForNode(node, 10250), "https://10.0.0.5:10250");
  node["status"]["addresses"] = {{{"type", "Hostname"}, {"address", "host-1"}}};
  EXPECT_EQ(KubeletUrlForNode(node, 10250), "https://host-1:10250");
  node["status"]["addresses"] = {{{"type", "InternalIP"}, {"address", "fd00::5"}}};
  EXPECT_EQ(KubeletUrlForNode(node, 1), "https://[fd00::5]:1");
  EXPECT_EQ(KubeletUrlForNode(nlohmann::json::parse(R"({"metadata":{"name":"n1"}})"), 10250),
            "https://n1:10250");
}

TEST(KubeletUrlForNodeTest, FieldsOfTheWrongTypeReadAsAbsent) {
  for (const char* text : {
           R"({"metadata":{"name":"n1"},"status":{"addresses":[{"type":1,"address":"x"}]}})",
           R"({"metadata":{"name":"n1"},"status":{"addresses":[{"type":"InternalIP","address":5}]}})",
           R"({"metadata":{"name":"n1"},"status":{"addresses":"10.0.0.5"}})",
           R"({"metadata":{"name":"n1"},"status":[1]})",
       }) {
    EXPECT_EQ(KubeletUrlForNode(nlohmann::json::parse(text), 10250), "https://n1:10250") << text;
  }
  EXPECT_EQ(KubeletUrlForNode(nlohmann::json::parse(R"({"metadata":{"name":7}})"), 1),
            "https://:1");
  EXPECT_EQ(KubeletUrlForNode(nlohmann::json::parse("[]"), 1), "https://:1");
}

}  // namespace
}  // namespace gpulet::checkpoint

// Several watchers follow pods while threads create and patch pods and the
// server keeps dropping watch streams: every watcher must end equal to the
// server, having seen each object's versions in increasing order. Run under
// ThreadSanitizer (label "concurrency").

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kube/testing/fake_api_server.h"
#include "kube/watch.h"

namespace gpulet::kube {
namespace {

using ::gpulet::kube::testing::FakeApiServer;
using ::gpulet::kube::testing::PodObject;
using ::gpulet::testing::IsOk;

struct Consumer {
  std::mutex mu;
  std::map<std::string, int64_t> versions;  // name -> last resourceVersion
  int out_of_order = 0;

  void Apply(WatchEventType type, const nlohmann::json& pod) {
    std::string name = pod["metadata"]["name"];
    int64_t version = std::stoll(pod["metadata"]["resourceVersion"].get<std::string>());
    std::lock_guard<std::mutex> lock(mu);
    auto it = versions.find(name);
    if (it != versions.end() && it->second >= version) ++out_of_order;
    if (type == WatchEventType::kDeleted) {
      versions.erase(name);
    } else {
      versions[name] = version;
    }
  }
  bool Equals(const std::map<std::string, int64_t>& want) {
    std::lock_guard<std::mutex> lock(mu);
    return versions == want;
  }
};

TEST(WatchStressTest, WatchersConvergeUnderConcurrentWritesAndDrops) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<FakeApiServer> server, FakeApiServer::Start());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Client> client, Client::Create(server->client_config()));
  constexpr int kWatchers = 4, kWriters = 4, kPodsPerWriter = 20, kPatches = 3;

  std::vector<std::unique_ptr<Consumer>> consumers;
  std::vector<std::unique_ptr<Watcher>> watchers;
  for (int i = 0; i < kWatchers; ++i) {
    consumers.push_back(std::make_unique<Consumer>());
    WatchOptions options;
    options.ns = i % 2 == 0 ? "" : "stress";
    options.initial_backoff = absl::Milliseconds(5);
    options.max_backoff = absl::Milliseconds(50);
    Consumer* consumer = consumers.back().get();
    watchers.push_back(std::make_unique<Watcher>(
        client.get(), options,
        [consumer](WatchEventType type, const nlohmann::json& pod) {
          consumer->Apply(type, pod);
        }));
    watchers.back()->Start();
  }

  std::atomic<bool> done = false;
  std::thread dropper([&] {
    while (!done) {
      server->DropWatches();
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
    }
  });
  std::atomic<int> failures = 0;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int p = 0; p < kPodsPerWriter; ++p) {
        std::string name = "w" + std::to_string(w) + "-p" + std::to_string(p);
        if (!client->CreatePod("stress", PodObject("stress", name)).ok()) ++failures;
        for (int k = 0; k < kPatches; ++k) {
          if (!client->PatchPodAnnotations("stress", name, {{"k", std::to_string(k)}}).ok()) {
            ++failures;
          }
        }
        std::string node = "node-" + std::to_string(w);
        if (p % 5 == 0 && !client->CreateBinding("stress", name, "", node).ok()) ++failures;
        if (p % 7 == 0 && !server->DeletePod("stress", name).ok()) ++failures;
      }
    });
  }
  for (std::thread& t : writers) t.join();
  done = true;
  dropper.join();
  EXPECT_EQ(failures.load(), 0);

  std::map<std::string, int64_t> want;
  for (const nlohmann::json& pod : server->Objects("pods")) {
    want[pod["metadata"]["name"]] =
        std::stoll(pod["metadata"]["resourceVersion"].get<std::string>());
  }
  EXPECT_EQ(want.size(), static_cast<size_t>(kWriters * (kPodsPerWriter - 3)));
  for (int i = 0; i < kWatchers; ++i) {
    bool equal = false;
    for (int t = 0; t < 1000 && !(equal = consumers[i]->Equals(want)); ++t) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_TRUE(equal) << "watcher " << i;
    EXPECT_EQ(consumers[i]->out_of_order, 0) << "watcher " << i;
  }
  for (auto& watcher : watchers) watcher->Stop();
  EXPECT_GT(server->RequestCount("PATCH", "/api/v1/namespaces/stress/pods/w0-p0"), 0);
}

}  // namespace
}  // namespace gpulet::kube

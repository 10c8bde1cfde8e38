#include "kube/watch.h"

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <vector>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kube/testing/fake_api_server.h"

namespace gpulet::kube {
namespace {

using ::gpulet::kube::testing::FakeApiServer;
using ::gpulet::kube::testing::NodeObject;
using ::gpulet::kube::testing::PodObject;
using ::gpulet::kube::testing::RecordedRequest;
using ::gpulet::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A consumer that applies every event to its own copy of the collection and
// keeps the log of what it was told.
class Mirror {
 public:
  void Apply(WatchEventType type, const nlohmann::json& object) {
    std::lock_guard<std::mutex> lock(mu_);
    std::string name = object["metadata"]["name"];
    std::string version = object["metadata"]["resourceVersion"];
    log_.push_back(std::string(WatchEventTypeName(type)) + " " + name);
    delivered_.push_back(name + "@" + version);
    if (type == WatchEventType::kDeleted) {
      state_.erase(name);
    } else {
      state_[name] = version;
    }
    changed_.notify_all();
  }

  bool WaitForEvents(size_t count, std::chrono::seconds timeout = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mu_);
    return changed_.wait_for(lock, timeout, [&] { return log_.size() >= count; });
  }
  // Waits until the mirror equals `objects` by name and resourceVersion.
  bool WaitForState(const std::vector<nlohmann::json>& objects,
                    std::chrono::seconds timeout = std::chrono::seconds(10)) {
    std::map<std::string, std::string> want;
    for (const nlohmann::json& o : objects) {
      want[o["metadata"]["name"]] = o["metadata"]["resourceVersion"];
    }
    std::unique_lock<std::mutex> lock(mu_);
    return changed_.wait_for(lock, timeout, [&] { return state_ == want; });
  }
  std::vector<std::string> log() {
    std::lock_guard<std::mutex> lock(mu_);
    return log_;
  }
  std::vector<std::string> delivered() {
    std::lock_guard<std::mutex> lock(mu_);
    return delivered_;
  }
  Watcher::Callback callback() {
    return [this](WatchEventType type, const nlohmann::json& object) { Apply(type, object); };
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::string> log_;
  std::vector<std::string> delivered_;  // name@resourceVersion
  std::map<std::string, std::string> state_;
};

class WatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(server_, FakeApiServer::Start());
    ASSERT_OK_AND_ASSIGN(client_, Client::Create(server_->client_config()));
  }

  WatchOptions Options(std::string resource = "pods") {
    WatchOptions options;
    options.resource = std::move(resource);
    options.initial_backoff = absl::Milliseconds(20);
    options.max_backoff = absl::Milliseconds(100);
    return options;
  }

  // Starts `watcher` and waits for its first list and its watch stream.
  void StartAndSync(Watcher& watcher) {
    watcher.Start();
    ASSERT_TRUE(watcher.WaitForSync(absl::Seconds(10)));
    ASSERT_TRUE(server_->WaitForWatches(1, absl::Seconds(10)));
  }

  void AddPod(std::string_view name, std::string_view node = "") {
    ASSERT_THAT(server_->AddPod(PodObject("default", name, node)), IsOk());
  }

  std::unique_ptr<FakeApiServer> server_;
  std::unique_ptr<Client> client_;
  Mirror mirror_;
};

TEST_F(WatcherTest, DeliversListThenEventsInOrder) {
  AddPod("a");
  AddPod("b");
  Watcher watcher(client_.get(), Options(), mirror_.callback());
  ASSERT_NO_FATAL_FAILURE(StartAndSync(watcher));

  AddPod("c");
  nlohmann::json a = *server_->GetPod("default", "a");
  a["metadata"]["labels"] = {{"x", "y"}};
  ASSERT_THAT(server_->UpdatePod(a), IsOk());
  ASSERT_THAT(server_->DeletePod("default", "b"), IsOk());

  ASSERT_TRUE(mirror_.WaitForEvents(5));
  EXPECT_THAT(mirror_.log(),
              ElementsAre("ADDED a", "ADDED b", "ADDED c", "MODIFIED a", "DELETED b"));
  EXPECT_TRUE(mirror_.WaitForState(server_->Objects("pods")));
  EXPECT_EQ(watcher.resource_version(), server_->ResourceVersion());
  watcher.Stop();
  EXPECT_EQ(watcher.stats().lists, 1);
}

TEST_F(WatcherTest, FieldSelectorSeesPodsArriveAndLeave) {
  WatchOptions options = Options();
  options.options.field_selector = "spec.nodeName=node-1";
  Watcher watcher(client_.get(), options, mirror_.callback());
  ASSERT_NO_FATAL_FAILURE(StartAndSync(watcher));

  AddPod("elsewhere", "node-2");
  AddPod("pending");
  ASSERT_THAT(client_->CreateBinding("default", "pending", "", "node-1"), IsOk());
  ASSERT_THAT(server_->DeletePod("default", "pending"), IsOk());

  ASSERT_TRUE(mirror_.WaitForEvents(2));
  EXPECT_THAT(mirror_.log(), ElementsAre("ADDED pending", "DELETED pending"));
}

TEST_F(WatcherTest, ResumesAfterDroppedStreamsWithoutLosingOrRepeating) {
  Watcher watcher(client_.get(), Options(), mirror_.callback());
  watcher.Start();
  ASSERT_TRUE(watcher.WaitForSync(absl::Seconds(10)));
  constexpr int kPods = 60;
  std::vector<std::string> expected;
  for (int i = 0; i < kPods; ++i) {
    ASSERT_TRUE(server_->WaitForWatches(1, absl::Seconds(10)));
    ASSERT_OK_AND_ASSIGN(nlohmann::json pod,
                         server_->AddPod(PodObject("default", "p" + std::to_string(i))));
    expected.push_back("p" + std::to_string(i) + "@" +
                       pod["metadata"]["resourceVersion"].get<std::string>());
    if (i % 10 == 9) {
      int before = watcher.stats().watches;
      server_->DropWatches();
      for (int t = 0; t < 1000 && watcher.stats().watches == before; ++t) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    }
  }
  ASSERT_TRUE(mirror_.WaitForEvents(kPods));
  // Give a duplicate, if any, the chance to arrive before counting.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(mirror_.delivered(), expected);
  Watcher::Stats stats = watcher.stats();
  EXPECT_EQ(stats.lists, 1);
  EXPECT_GE(stats.watches, 7);  // the first and one per drop
  EXPECT_EQ(stats.events, kPods);
  // Every watch after the first resumed from a version the watcher had seen.
  std::set<std::string> seen_versions = {"1000"};
  for (const std::string& d : expected) seen_versions.insert(d.substr(d.find('@') + 1));
  for (const RecordedRequest& r : server_->Requests()) {
    if (r.params.count("watch") == 0) continue;
    EXPECT_EQ(seen_versions.count(r.params.find("resourceVersion")->second), 1u);
  }
}

TEST_F(WatcherTest, ResumesWhenTheServerEndsTheStreamAtItsTimeout) {
  WatchOptions options = Options();
  options.watch_timeout = absl::Seconds(1);
  Watcher watcher(client_.get(), options, mirror_.callback());
  ASSERT_NO_FATAL_FAILURE(StartAndSync(watcher));
  for (int i = 0; i < 400 && watcher.stats().watches < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(watcher.stats().watches, 3);
  AddPod("late");
  ASSERT_TRUE(mirror_.WaitForEvents(1));
  EXPECT_THAT(mirror_.log(), ElementsAre("ADDED late"));
  Watcher::Stats stats = watcher.stats();
  EXPECT_EQ(stats.lists, 1);
  EXPECT_EQ(stats.failures, 0);
  for (const RecordedRequest& r : server_->Requests()) {
    if (r.params.count("watch") != 0) {
      EXPECT_EQ(r.params.find("timeoutSeconds")->second, "1");
    }
  }
}

TEST_F(WatcherTest, BookmarkAdvancesResourceVersion) {
  WatchOptions options = Options();
  options.options.field_selector = "spec.nodeName=node-1";
  Watcher watcher(client_.get(), options, mirror_.callback());
  ASSERT_NO_FATAL_FAILURE(StartAndSync(watcher));
  AddPod("invisible", "node-2");
  server_->SendBookmarks();
  for (int i = 0; i < 200 && watcher.resource_version() != server_->ResourceVersion(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(watcher.resource_version(), server_->ResourceVersion());
  EXPECT_EQ(watcher.stats().events, 0);
}

TEST_F(WatcherTest, RelistsAfterGoneAndDeliversTheDifference) {
  AddPod("stays");
  AddPod("changes");
  AddPod("goes");
  WatchOptions options = Options();
  options.initial_backoff = absl::Milliseconds(100);
  Watcher watcher(client_.get(), options, mirror_.callback());
  ASSERT_NO_FATAL_FAILURE(StartAndSync(watcher));

  // Blind the watcher: its stream drops and its next attempts fail, while
  // the collection changes and the history it would resume from is
  // compacted away.
  server_->FailNextRequests("GET", "/api/v1/pods", 3, 503);
  server_->DropWatches();
  for (int i = 0; i < 200 && server_->OpenWatches() != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  nlohmann::json changes = *server_->GetPod("default", "changes");
  changes["metadata"]["labels"] = {{"v", "2"}};
  ASSERT_THAT(server_->UpdatePod(changes), IsOk());
  ASSERT_THAT(server_->DeletePod("default", "goes"), IsOk());
  AddPod("new");
  server_->CompactHistory();

  EXPECT_TRUE(mirror_.WaitForState(server_->Objects("pods")));
  // The list counts once its difference has been delivered.
  for (int i = 0; i < 500 && watcher.stats().lists < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(watcher.stats().lists, 2);
  EXPECT_THAT(mirror_.log(), ElementsAre("ADDED changes", "ADDED goes", "ADDED stays",
                                         "MODIFIED changes", "ADDED new", "DELETED goes"));
}

TEST_F(WatcherTest, HttpGoneOnWatchRequestAlsoRelists) {
  ASSERT_THAT(server_->AddNode(NodeObject("n1")), IsOk());
  Watcher watcher(client_.get(), Options("nodes"), mirror_.callback());
  ASSERT_NO_FATAL_FAILURE(StartAndSync(watcher));
  server_->FailNextRequests("GET", "/api/v1/nodes", 1, 410);
  server_->DropWatches();
  for (int i = 0; i < 500 && watcher.stats().lists < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(watcher.stats().lists, 2);
  ASSERT_THAT(server_->AddNode(NodeObject("n2")), IsOk());
  EXPECT_TRUE(mirror_.WaitForState(server_->Objects("nodes")));
  EXPECT_THAT(mirror_.log(), ElementsAre("ADDED n1", "ADDED n2"));
}

TEST_F(WatcherTest, StopInterruptsABlockedStreamPromptly) {
  WatchOptions options = Options();
  options.watch_timeout = absl::Minutes(30);
  Watcher watcher(client_.get(), options, mirror_.callback());
  ASSERT_NO_FATAL_FAILURE(StartAndSync(watcher));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto start = std::chrono::steady_clock::now();
  watcher.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
  watcher.Stop();  // idempotent
}

TEST_F(WatcherTest, StopFromTheCallbackDoesNotDeadlock) {
  Watcher* self = nullptr;
  std::atomic<int> calls = 0;
  Watcher watcher(client_.get(), Options(), [&](WatchEventType, const nlohmann::json&) {
    ++calls;
    self->Stop();
  });
  self = &watcher;
  AddPod("a");
  AddPod("b");
  watcher.Start();
  for (int i = 0; i < 500 && calls == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  watcher.Stop();
  EXPECT_GE(calls.load(), 1);
}

TEST_F(WatcherTest, MalformedWatchLineIsReportedAndTheWatchResumes) {
  Watcher watcher(client_.get(), Options(), mirror_.callback());
  ASSERT_NO_FATAL_FAILURE(StartAndSync(watcher));
  server_->InjectWatchLine("this is not JSON");
  for (int i = 0; i < 500 && watcher.stats().failures == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_THAT(watcher.last_error().message(), HasSubstr("malformed event line"));
  server_->InjectWatchLine(R"({"type":"ADDED","object":[]})");
  ASSERT_TRUE(server_->WaitForWatches(1, absl::Seconds(10)));
  AddPod("after");
  ASSERT_TRUE(mirror_.WaitForEvents(1));
  EXPECT_THAT(mirror_.log(), ElementsAre("ADDED after"));
}

TEST_F(WatcherTest, RetriesAFailingInitialList) {
  AddPod("a");
  server_->FailNextRequests("GET", "/api/v1/pods", 8, 500);
  Watcher watcher(client_.get(), Options(), mirror_.callback());
  watcher.Start();
  ASSERT_TRUE(watcher.WaitForSync(absl::Seconds(20)));
  EXPECT_GE(watcher.stats().failures, 1);
  EXPECT_THAT(mirror_.log(), ElementsAre("ADDED a"));
}

}  // namespace
}  // namespace gpulet::kube

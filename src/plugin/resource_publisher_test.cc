// ResourcePublisher under concurrent publishing, reading and
// (un)subscribing, without gRPC, so that ThreadSanitizer sees only our
// synchronisation.
#include "plugin/resource_publisher.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace gpulet::plugin {
namespace {

class CountingBackend final : public ResourceBackend {
 public:
  absl::StatusOr<v1beta1::ContainerAllocateResponse> Allocate(
      const std::vector<std::string>& ids) const override {
    v1beta1::ContainerAllocateResponse response;
    (*response.mutable_envs())["N"] = std::to_string(ids.size());
    return response;
  }
  absl::StatusOr<std::vector<std::string>> PreferredAllocation(
      const std::vector<std::string>& available, const std::vector<std::string>&,
      int) const override {
    return available;
  }
};

std::shared_ptr<const ResourceSnapshot> Initial() {
  return std::make_shared<const ResourceSnapshot>(ResourceSnapshot{
      1, {{"GPU-a", true, 0}, {"GPU-b", true, 1}}, std::make_shared<CountingBackend>()});
}

TEST(ResourcePublisherTest, VersionsGrowAndSubscribersHearEachPublish) {
  ResourcePublisher publisher(Initial());
  int calls = 0;
  auto id = publisher.Subscribe([&] { ++calls; });
  publisher.Publish({0, {{"GPU-a", false, 0}}, std::make_shared<CountingBackend>()});
  EXPECT_EQ(publisher.Current()->version, 2u);
  EXPECT_EQ(publisher.Current()->HealthyCount(), 0u);
  publisher.Wake();
  EXPECT_EQ(calls, 2);
  publisher.Unsubscribe(id);
  publisher.Wake();
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(publisher.SubscriberCount(), 0u);
}

TEST(ResourcePublisherTest, ListAndWatchResponseHasIdsHealthAndNuma) {
  v1beta1::ListAndWatchResponse list = Initial()->ToListAndWatchResponse();
  ASSERT_EQ(list.devices_size(), 2);
  EXPECT_EQ(list.devices(1).id(), "GPU-b");
  EXPECT_EQ(list.devices(1).health(), "Healthy");
  EXPECT_EQ(list.devices(1).topology().nodes(0).id(), 1);
}

// An Allocate storm and watchers that come and go while snapshots are
// published: every reader sees a complete snapshot whose version never
// goes backwards, and no notification runs after Unsubscribe returns.
TEST(ResourcePublisherStressTest, ConcurrentPublishReadSubscribe) {
  auto publisher = std::make_shared<ResourcePublisher>(Initial());
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int r = 0; r < 4; ++r) {
    threads.emplace_back([&] {
      uint64_t last = 0;
      while (!stop) {
        auto snapshot = publisher->Current();
        ASSERT_GE(snapshot->version, last);
        last = snapshot->version;
        ASSERT_TRUE(snapshot->backend->Allocate({snapshot->devices[0].id}).ok());
      }
    });
  }
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&] {
      while (!stop) {
        auto seen = std::make_shared<std::atomic<uint64_t>>(0);
        auto id = publisher->Subscribe([seen, &publisher] {
          seen->store(publisher->Current()->version);
        });
        std::this_thread::yield();
        publisher->Unsubscribe(id);
      }
    });
  }
  for (int i = 0; i < 3000; ++i) {
    bool healthy = i % 2 == 0;
    publisher->Publish({0, {{"GPU-a", healthy, 0}, {"GPU-b", !healthy, 1}},
                        std::make_shared<CountingBackend>()});
  }
  stop = true;
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(publisher->Current()->version, 3001u);
  EXPECT_EQ(publisher->SubscriberCount(), 0u);
}

}  // namespace
}  // namespace gpulet::plugin

#include "health/health_feed.h"

#include <atomic>
#include <thread>

#include "gtest/gtest.h"

namespace gpulet::health {
namespace {

using namespace std::chrono_literals;

std::shared_ptr<const HealthSnapshot> Snapshot(uint64_t version, bool healthy) {
  return std::make_shared<const HealthSnapshot>(
      version, std::map<std::string, DeviceHealth, std::less<>>{
                   {"GPU-1", DeviceHealth{healthy, healthy ? "" : "XID 79", {}}}});
}

TEST(HealthFeedTest, StartsEmptyAndKeepsTheNewestSnapshot) {
  HealthFeed feed;
  EXPECT_EQ(feed.Current()->version(), 0u);
  EXPECT_TRUE(feed.Current()->IsHealthy("GPU-unknown"));
  EXPECT_TRUE(feed.Publish(Snapshot(2, false)));
  EXPECT_FALSE(feed.Publish(Snapshot(1, true)));
  EXPECT_FALSE(feed.Publish(Snapshot(2, true)));
  EXPECT_EQ(feed.Current()->version(), 2u);
  EXPECT_FALSE(feed.Current()->IsHealthy("GPU-1"));
  EXPECT_EQ(feed.Current()->Find("GPU-1")->cause, "XID 79");
}

TEST(HealthFeedTest, SubscribersSeeEveryVersionUntilTheyUnsubscribe) {
  HealthFeed feed;
  std::vector<uint64_t> seen;
  HealthFeed::Subscription s = feed.Subscribe([&](uint64_t v) { seen.push_back(v); });
  feed.Publish(Snapshot(1, true));
  feed.Publish(Snapshot(2, false));
  HealthFeed::Subscription moved = std::move(s);
  feed.Publish(Snapshot(3, true));
  moved.Reset();
  feed.Publish(Snapshot(4, true));
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2, 3}));
}

TEST(HealthFeedTest, WaitForNewerThanWakesOnPublishAndOnClose) {
  HealthFeed feed;
  EXPECT_EQ(feed.WaitForNewerThan(0, 10ms)->version(), 0u);  // times out
  std::thread publisher([&] {
    std::this_thread::sleep_for(20ms);
    feed.Publish(Snapshot(1, true));
  });
  EXPECT_EQ(feed.WaitForNewerThan(0, 10s)->version(), 1u);
  publisher.join();
  std::thread closer([&] {
    std::this_thread::sleep_for(20ms);
    feed.Close();
  });
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(feed.WaitForNewerThan(1, 10s)->version(), 1u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  closer.join();
}

}  // namespace
}  // namespace gpulet::health

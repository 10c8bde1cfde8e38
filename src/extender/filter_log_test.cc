#include "extender/filter_log.h"

#include <string>

#include "gtest/gtest.h"

namespace gpulet::extender {
namespace {

using std::chrono::seconds;

TEST(FilterLogTest, RemembersFilteredPodsForTheRetention) {
  FilterLog log(seconds(60), 100);
  FilterLog::Clock::time_point t0{seconds(1000)};
  EXPECT_FALSE(log.Contains("a", t0));
  log.Record("a", t0);
  EXPECT_TRUE(log.Contains("a", t0 + seconds(60)));
  EXPECT_FALSE(log.Contains("a", t0 + seconds(61)));
  EXPECT_FALSE(log.Contains("b", t0));
  // Filtering again extends the retention.
  log.Record("a", t0 + seconds(50));
  EXPECT_TRUE(log.Contains("a", t0 + seconds(100)));
  // Entries past their retention are dropped by later records.
  log.Record("b", t0 + seconds(200));
  EXPECT_EQ(log.size(), 1u);
}

TEST(FilterLogTest, ForgetsTheOldestBeyondItsCapacity) {
  FilterLog log(seconds(3600), 3);
  FilterLog::Clock::time_point t0{seconds(1000)};
  for (int i = 0; i < 5; ++i) log.Record("p" + std::to_string(i), t0);
  EXPECT_EQ(log.size(), 3u);
  EXPECT_FALSE(log.Contains("p0", t0));
  EXPECT_FALSE(log.Contains("p1", t0));
  EXPECT_TRUE(log.Contains("p4", t0));
  // One pod filtered over and over stays bounded and remembered.
  for (int i = 0; i < 1000; ++i) log.Record("hot", t0);
  EXPECT_TRUE(log.Contains("hot", t0));
  EXPECT_LE(log.size(), 3u);
}

}  // namespace
}  // namespace gpulet::extender

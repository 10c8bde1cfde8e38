#include "extender/group_book.h"

#include <atomic>
#include <future>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::extender {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Clock = GroupBook::Clock;
using Stage = GroupBook::Stage;

const gang::GroupKey kKey{gang::GroupSource::kGpulet, "default", "g"};

Clock::time_point At(int seconds) {
  return Clock::time_point(std::chrono::seconds(seconds));
}

GroupBook Book() {
  return GroupBook(GroupBook::Options{std::chrono::seconds(2),
                                      std::chrono::seconds(10),
                                      std::chrono::seconds(60),
                                      std::chrono::seconds(3600)});
}

TEST(GroupBookTest, OneFilterClaimsAnIdleGroupOthersWait) {
  GroupBook book = Book();
  EXPECT_EQ(book.ForFilter(kKey, "a", At(0), true).stage, Stage::kIdle);
  EXPECT_EQ(book.ForFilter(kKey, "b", At(0), true).stage, Stage::kPlanning);
  book.Waiting(kKey, "NotEnoughPods", "2 of 3");
  GroupBook::Standing standing = book.ForFilter(kKey, "b", At(0), false);
  EXPECT_EQ(standing.stage, Stage::kIdle);  // a look, not a claim
  EXPECT_EQ(standing.reason, "NotEnoughPods");
  EXPECT_EQ(book.ForFilter(kKey, "b", At(0), false).stage, Stage::kIdle);
  EXPECT_EQ(book.ForFilter(kKey, "b", At(0), true).stage, Stage::kIdle);
}

TEST(GroupBookTest, BackOffDoublesUpToTheMaximumAndCapacityEndsIt) {
  GroupBook book = Book();
  std::vector<int> waits;
  int now = 0;
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(book.ForFilter(kKey, "a", At(now), true).stage, Stage::kIdle);
    book.PlanFailed(kKey, "NotEnoughResources", "no room", /*capacity=*/false,
                    At(now));
    GroupBook::Standing standing = book.ForFilter(kKey, "a", At(now), true);
    EXPECT_EQ(standing.stage, Stage::kBackingOff);
    int wait = static_cast<int>(
        std::chrono::duration_cast<std::chrono::seconds>(standing.until - At(now))
            .count());
    waits.push_back(wait);
    now += wait;
  }
  EXPECT_THAT(waits, ElementsAre(2, 4, 8, 10, 10));
  book.CapacityFreed();  // not a capacity-only failure: still backing off
  ASSERT_EQ(book.ForFilter(kKey, "a", At(now), true).stage, Stage::kIdle);
  book.PlanFailed(kKey, "NotEnoughResources", "no room", true, At(now));
  EXPECT_EQ(book.ForFilter(kKey, "a", At(now), true).stage, Stage::kBackingOff);
  book.CapacityFreed();
  EXPECT_EQ(book.ForFilter(kKey, "a", At(now), true).stage, Stage::kIdle);
}

TEST(GroupBookTest, BarrierOpensWhenEveryPlannedMemberArrives) {
  GroupBook book = Book();
  book.ForFilter(kKey, "a", At(0), true);
  uint64_t plan = book.Planned(kKey, {{"a", 0}, {"b", 1}}, At(30));
  EXPECT_EQ(book.open_members(), 2);
  EXPECT_EQ(book.ForFilter(kKey, "b", At(1), false).node, 1);
  auto now = [] { return At(1); };
  std::string why;
  auto first = std::async(std::launch::async,
                          [&] { return book.Arrive(kKey, plan, "a", now, why); });
  EXPECT_EQ(first.wait_for(std::chrono::milliseconds(100)),
            std::future_status::timeout);
  std::string why_b;
  EXPECT_EQ(book.Arrive(kKey, plan, "b", now, why_b), GroupBook::Arrival::kGo);
  EXPECT_EQ(first.get(), GroupBook::Arrival::kGo);
  EXPECT_EQ(book.open_members(), 0);
  EXPECT_EQ(book.Notes().at(kKey).state, gang::GroupState::kRunning);
  // A released plan is forgotten a while after its deadline.
  EXPECT_EQ(book.ForFilter(kKey, "c", At(2), false).stage, Stage::kReleased);
  book.Expire(At(91));
  EXPECT_EQ(book.ForFilter(kKey, "c", At(91), true).stage, Stage::kIdle);
}

TEST(GroupBookTest, ExpiredPlanFailsItsWaitingMembersAndBacksOff) {
  GroupBook book = Book();
  book.ForFilter(kKey, "a", At(0), true);
  uint64_t plan = book.Planned(kKey, {{"a", 0}, {"b", 0}}, At(30));
  std::atomic<int> now{1};
  std::string why;
  auto waiting = std::async(std::launch::async, [&] {
    return book.Arrive(kKey, plan, "a", [&] { return At(now.load()); }, why);
  });
  auto failed = book.Expire(At(29));
  EXPECT_TRUE(failed.empty());
  failed = book.Expire(At(30));
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_THAT(failed[0].second, ElementsAre("a", "b"));
  EXPECT_EQ(waiting.get(), GroupBook::Arrival::kFailed);
  EXPECT_THAT(why, HasSubstr("never reached bind"));
  EXPECT_EQ(book.open_members(), 0);
  EXPECT_EQ(book.ForFilter(kKey, "a", At(30), true).stage, Stage::kBackingOff);
  // A late arrival of the failed plan is turned away at once.
  std::string late;
  EXPECT_EQ(book.Arrive(kKey, plan, "b", [] { return At(31); }, late),
            GroupBook::Arrival::kFailed);
}

TEST(GroupBookTest, ArrivalPastTheDeadlineFailsWithoutTheSweeper) {
  GroupBook book = Book();
  book.ForFilter(kKey, "a", At(0), true);
  uint64_t plan = book.Planned(kKey, {{"a", 0}, {"b", 0}}, At(30));
  std::string why;
  EXPECT_EQ(book.Arrive(kKey, plan, "a", [] { return At(30); }, why),
            GroupBook::Arrival::kFailed);
  EXPECT_THAT(why, HasSubstr("0 of 2"));
}

TEST(GroupBookTest, TheLastMemberArrivingAfterTheOthersGaveUpDoesNotGoAlone) {
  GroupBook book = Book();
  book.ForFilter(kKey, "a", At(0), true);
  uint64_t plan = book.Planned(kKey, {{"a", 0}, {"b", 0}, {"c", 1}}, At(30));
  std::atomic<int> now{1};
  auto clock = [&] { return At(now.load()); };
  std::string why_a, why_c;
  auto a = std::async(std::launch::async,
                      [&] { return book.Arrive(kKey, plan, "a", clock, why_a); });
  auto c = std::async(std::launch::async,
                      [&] { return book.Arrive(kKey, plan, "c", clock, why_c); });
  EXPECT_EQ(a.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
  // The deadline passes before the sweeper runs: a and c give up (their
  // grants are released), then b comes.
  now = 30;
  EXPECT_EQ(a.get(), GroupBook::Arrival::kFailed);
  EXPECT_EQ(c.get(), GroupBook::Arrival::kFailed);
  EXPECT_THAT(why_a, HasSubstr("2 of 3"));
  std::string why_b;
  EXPECT_EQ(book.Arrive(kKey, plan, "b", clock, why_b), GroupBook::Arrival::kFailed);
  EXPECT_THAT(why_b, HasSubstr("2 of 3"));
  EXPECT_EQ(book.ForFilter(kKey, "b", At(30), false).stage, Stage::kPlanned);
  ASSERT_EQ(book.Expire(At(30)).size(), 1u);
  EXPECT_EQ(book.ForFilter(kKey, "b", At(30), false).stage, Stage::kBackingOff);
}

TEST(GroupBookTest, FailHandsBackThePlannedMembers) {
  GroupBook book = Book();
  book.ForFilter(kKey, "a", At(0), true);
  uint64_t plan = book.Planned(kKey, {{"a", 0}, {"b", 0}}, At(30));
  EXPECT_TRUE(book.Fail(kKey, plan + 1, "x", "y", At(1)).empty());  // other plan
  EXPECT_THAT(book.Fail(kKey, plan, "Unschedulable", "excluded", At(1)),
              ElementsAre("a", "b"));
  EXPECT_TRUE(book.Fail(kKey, plan, "Unschedulable", "excluded", At(1)).empty());
  EXPECT_EQ(book.Notes().at(kKey).reason, "Unschedulable");
}

TEST(GroupBookTest, IdleGroupsAreForgotten) {
  GroupBook book = Book();
  book.ForFilter(kKey, "a", At(0), false);
  EXPECT_EQ(book.Notes().size(), 1u);
  book.Expire(At(3600));
  EXPECT_TRUE(book.Notes().empty());
}

TEST(GroupBookTest, ManyGroupsAtTheBarrierConcurrently) {
  GroupBook book = Book();
  constexpr int kGroups = 16;
  constexpr int kMembers = 8;
  std::vector<uint64_t> plans;
  for (int g = 0; g < kGroups; ++g) {
    gang::GroupKey key{gang::GroupSource::kGpulet, "ns", "g" + std::to_string(g)};
    book.ForFilter(key, "m0", At(0), true);
    std::map<std::string, int> members;
    for (int m = 0; m < kMembers; ++m) members["m" + std::to_string(m)] = m;
    plans.push_back(book.Planned(key, members, At(30)));
  }
  std::atomic<int> go{0};
  std::vector<std::thread> threads;
  for (int g = 0; g < kGroups; ++g) {
    for (int m = 0; m < kMembers; ++m) {
      threads.emplace_back([&, g, m] {
        gang::GroupKey key{gang::GroupSource::kGpulet, "ns", "g" + std::to_string(g)};
        std::string why;
        if (book.Arrive(key, plans[g], "m" + std::to_string(m),
                        [] { return At(1); }, why) == GroupBook::Arrival::kGo) {
          ++go;
        }
      });
    }
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(go.load(), kGroups * kMembers);
  EXPECT_EQ(book.open_members(), 0);
}

}  // namespace
}  // namespace gpulet::extender

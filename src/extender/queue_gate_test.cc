#include "extender/queue_gate.h"

#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::extender {
namespace {

using ::testing::HasSubstr;

QueueShare Share(const std::string& name, int64_t allocated, int64_t pending,
                 double deserved) {
  QueueShare share;
  share.spec.name = name;
  share.allocated.gpu_milli = allocated;
  share.pending_gpu_milli = pending;
  share.deserved_gpu_milli = deserved;
  return share;
}

gang::ResourceAmounts Gpus(int64_t milli) {
  gang::ResourceAmounts amounts;
  amounts.gpu_milli = milli;
  return amounts;
}

auto Always(bool fits) {
  return [fits](const std::string&) { return fits; };
}

TEST(DecideQueueTest, UnknownQueueIsRefused) {
  QueueVerdict verdict = DecideQueue("x", {}, Gpus(1000), false, Always(true));
  EXPECT_FALSE(verdict.admitted);
  EXPECT_EQ(verdict.reason, "QueueNotFound");
}

TEST(DecideQueueTest, ClosedQueueAdmitsNoNewGroupButKeepsRunningOnes) {
  std::map<std::string, QueueShare> shares{{"a", Share("a", 0, 0, 8000)}};
  shares["a"].spec.open = false;
  EXPECT_EQ(DecideQueue("a", shares, Gpus(1000), true, Always(true)).reason,
            "QueueClosed");
  EXPECT_TRUE(DecideQueue("a", shares, Gpus(1000), false, Always(true)).admitted);
}

TEST(DecideQueueTest, CapabilityCapsEveryNamedResource) {
  std::map<std::string, QueueShare> shares{{"a", Share("a", 3000, 0, 8000)}};
  shares["a"].spec.capability.gpu_milli = 4000;
  shares["a"].spec.capability.cpu_milli = 2000;
  EXPECT_TRUE(DecideQueue("a", shares, Gpus(1000), false, Always(true)).admitted);
  QueueVerdict over = DecideQueue("a", shares, Gpus(1500), false, Always(true));
  EXPECT_EQ(over.reason, "QueueCapability");
  gang::ResourceAmounts cpu = Gpus(0);
  cpu.cpu_milli = 2500;
  EXPECT_EQ(DecideQueue("a", shares, cpu, false, Always(true)).reason,
            "QueueCapability");
}

TEST(DecideQueueTest, AtItsShareAQueueWaitsOnlyForAStarvedQueueThatFits) {
  std::map<std::string, QueueShare> shares{
      {"a", Share("a", 8000, 2000, 8000)}, {"b", Share("b", 2000, 4000, 8000)}};
  QueueVerdict verdict = DecideQueue("a", shares, Gpus(1000), false, Always(true));
  EXPECT_EQ(verdict.reason, "QueueOverShare");
  EXPECT_THAT(verdict.message, HasSubstr("queue b"));
  // b's pending pods do not fit anywhere now: a may use the idle GPUs.
  EXPECT_TRUE(DecideQueue("a", shares, Gpus(1000), false, Always(false)).admitted);
  // Below its share, a never waits; b is below its own.
  EXPECT_TRUE(DecideQueue("b", shares, Gpus(1000), false, Always(true)).admitted);
  // Nobody else pending: a borrows.
  shares["b"].pending_gpu_milli = 0;
  EXPECT_TRUE(DecideQueue("a", shares, Gpus(1000), false, Always(true)).admitted);
}

TEST(DecideQueueTest, AClosedStarvedQueueHoldsNoOneBack) {
  std::map<std::string, QueueShare> shares{
      {"a", Share("a", 8000, 2000, 8000)}, {"b", Share("b", 0, 4000, 8000)}};
  shares["b"].spec.open = false;
  EXPECT_TRUE(DecideQueue("a", shares, Gpus(1000), false, Always(true)).admitted);
}

// A weight-1 queue "light" and a weight-3 queue "heavy" on 32 GPUs: light
// deserves 8 under sustained demand. What each holds, what is pending and
// which pods are bound since are set by the test.
class QueueGateTest : public ::testing::Test {
 protected:
  QueueGateTest() {
    gang::QueueSpec light;
    light.name = "light";
    gang::QueueSpec heavy;
    heavy.name = "heavy";
    heavy.weight = 3;
    registry_.SetConfiguredQueues({light, heavy});
  }

  void Hold(const std::string& queue, int gpus) { held_[queue].gpu_milli = gpus * 1000; }
  void AddPending(const std::string& queue, const std::string& uid) {
    PodDemand pod;
    pod.uid = uid;
    pod.name = uid;
    pod.gpu_count = 1;
    pod.milli = 1000;
    pending_[queue].push_back(pod);
  }
  // Bound since: still in a cached view, no longer pending.
  void Bind(const std::string& queue, const std::string& uid) {
    std::erase_if(pending_[queue], [&](const PodDemand& pod) { return pod.uid == uid; });
    bound_.insert(uid);
  }

  // Light at its share of 8, heavy at 20 of its 24 with `heavy_pending`
  // pods h0, h1, ... pending.
  void LightAtItsShareHeavyBelow(int heavy_pending) {
    Hold("light", 8);
    Hold("heavy", 20);
    for (int i = 0; i < heavy_pending; ++i) AddPending("heavy", "h" + std::to_string(i));
  }

  // The clock stands still: within one refresh window the view is cached.
  QueueVerdict Admit(const std::string& queue) {
    return gate_.Admit(
        queue, Gpus(1000), /*new_group=*/true, 32000,
        [this](const PodDemand& pod) {
          return bound_.contains(pod.uid) ? PendingPodNow::kGone : PendingPodNow::kFits;
        },
        QueueGate::Clock::time_point{} + std::chrono::seconds(1));
  }

  gang::GroupRegistry registry_;
  std::map<std::string, gang::ResourceAmounts> held_;
  std::map<std::string, std::vector<PodDemand>> pending_;
  std::set<std::string> bound_;
  int reads_ = 0;
  QueueGate gate_{&registry_, [this] { return held_; },
                  [this] {
                    ++reads_;
                    return pending_;
                  },
                  std::chrono::seconds(10)};
};

TEST_F(QueueGateTest, AQueueAtItsShareWaitsForAStarvedQueueWhosePodsFit) {
  LightAtItsShareHeavyBelow(8);
  for (int i = 0; i < 8; ++i) AddPending("light", "l" + std::to_string(i));
  EXPECT_EQ(Admit("light").reason, "QueueOverShare");
  EXPECT_TRUE(Admit("heavy").admitted);
  EXPECT_EQ(reads_, 1);  // the view is cached
}

TEST_F(QueueGateTest, AStarvedQueuesPodsItsCapabilityKeepsWaitingHoldNoOneBack) {
  gang::QueueSpec light;
  light.name = "light";
  gang::QueueSpec heavy;
  heavy.name = "heavy";
  heavy.weight = 3;
  // Heavy holds 20 and deserves 20.5: below its share, yet none of its
  // 1-GPU pods may go.
  heavy.capability.gpu_milli = 20500;
  registry_.SetConfiguredQueues({light, heavy});
  LightAtItsShareHeavyBelow(8);
  Hold("light", 12);  // light deserves the 11.5 the cap leaves: it is over
  QueueVerdict verdict = Admit("light");
  EXPECT_TRUE(verdict.admitted) << verdict.message;
}

TEST_F(QueueGateTest, PodsBoundSinceTheViewDoNotHideTheStarvedQueuesOthers) {
  LightAtItsShareHeavyBelow(8);
  ASSERT_EQ(Admit("light").reason, "QueueOverShare");
  // The oldest four are bound since the view was read; the fifth waits.
  for (int i = 0; i < 4; ++i) Bind("heavy", "h" + std::to_string(i));
  EXPECT_EQ(Admit("light").reason, "QueueOverShare");
  EXPECT_EQ(reads_, 1);
}

TEST_F(QueueGateTest, AViewWhoseStarvedQueuePodsAreAllGoneIsReadAgain) {
  LightAtItsShareHeavyBelow(4);
  ASSERT_EQ(Admit("light").reason, "QueueOverShare");
  // Every pod the view holds is bound since, and new ones came.
  for (int i = 0; i < 4; ++i) {
    Bind("heavy", "h" + std::to_string(i));
    AddPending("heavy", "h" + std::to_string(i + 4));
  }
  QueueVerdict verdict = Admit("light");
  EXPECT_EQ(verdict.reason, "QueueOverShare");
  EXPECT_THAT(verdict.message, HasSubstr("queue heavy"));
  EXPECT_EQ(reads_, 2);
  // The view read again shows heavy has nothing pending: light borrows,
  // and the view, fresh now, is not read a third time.
  for (int i = 4; i < 8; ++i) Bind("heavy", "h" + std::to_string(i));
  EXPECT_TRUE(Admit("light").admitted);
  EXPECT_EQ(reads_, 3);
  EXPECT_TRUE(Admit("light").admitted);
  EXPECT_EQ(reads_, 3);
}

TEST(QueueGateRefreshTest, TheViewIsReadAgainOnlyOnceOldAndChanged) {
  gang::GroupRegistry registry;
  gang::QueueSpec queue;
  queue.name = "q";
  registry.SetConfiguredQueues({queue});
  int reads = 0;
  uint64_t generation = 7;
  QueueGate gate(
      &registry, [] { return std::map<std::string, gang::ResourceAmounts>{}; },
      [&] {
        ++reads;
        return std::map<std::string, std::vector<PodDemand>>{};
      },
      std::chrono::milliseconds(25), [&] { return generation; });
  QueueGate::Clock::time_point start = QueueGate::Clock::time_point{} + std::chrono::seconds(1);
  gate.Shares(8000, start);
  EXPECT_EQ(reads, 1);
  // Old, but nothing changed: the view stands.
  gate.Shares(8000, start + std::chrono::seconds(5));
  EXPECT_EQ(reads, 1);
  // Changed, and old: read again.
  ++generation;
  gate.Shares(8000, start + std::chrono::seconds(6));
  EXPECT_EQ(reads, 2);
  // Changed again within the refresh interval: not yet.
  ++generation;
  gate.Shares(8000, start + std::chrono::seconds(6) + std::chrono::milliseconds(10));
  EXPECT_EQ(reads, 2);
  gate.Shares(8000, start + std::chrono::seconds(6) + std::chrono::milliseconds(30));
  EXPECT_EQ(reads, 3);
}

}  // namespace
}  // namespace gpulet::extender

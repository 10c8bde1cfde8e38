// HealthTracker on a hand-made two-GPU inventory (GPU 1 with two MIG
// devices) and a fake clock.
#include "health/health_tracker.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "health/fake_clock.h"

namespace gpulet::health {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

inventory::Inventory TwoGpus() {
  inventory::Inventory inv;
  inv.gpus.resize(2);
  inv.gpus[0].index = 0;
  inv.gpus[0].uuid = "GPU-0";
  inv.gpus[1].index = 1;
  inv.gpus[1].uuid = "GPU-1";
  inv.gpus[1].mig_enabled = true;
  for (unsigned int i = 0; i < 2; ++i) {
    inventory::MigDevice mig;
    mig.index = i;
    mig.uuid = "MIG-1-" + std::to_string(i);
    mig.gpu_instance_id = 3 + i;
    inv.gpus[1].mig_devices.push_back(mig);
  }
  return inv;
}

auto Change(const std::string& uuid, bool healthy) {
  return ::testing::AllOf(Field(&HealthChange::uuid, uuid),
                          Field(&HealthChange::healthy, healthy));
}

class HealthTrackerTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  HealthTracker tracker_{TwoGpus(), XidPolicy(), 1min, clock_.Now()};
};

TEST_F(HealthTrackerTest, IgnoredXidsChangeNothing) {
  for (uint64_t xid : XidPolicy::kDefaultIgnored) {
    EXPECT_THAT(tracker_.OnXid(0, std::nullopt, std::nullopt, xid, clock_.Now()), IsEmpty());
  }
  for (const auto& [uuid, health] : tracker_.Devices()) EXPECT_TRUE(health.healthy) << uuid;
}

TEST_F(HealthTrackerTest, CriticalXidMarksTheGpuAndItsMigDevices) {
  EXPECT_THAT(tracker_.OnXid(0, std::nullopt, std::nullopt, 79, clock_.Now()),
              ElementsAre(Change("GPU-0", false)));
  EXPECT_THAT(tracker_.OnXid(1, std::nullopt, std::nullopt, 48, clock_.Now()),
              ElementsAre(Change("GPU-1", false), Change("MIG-1-0", false),
                          Change("MIG-1-1", false)));
  EXPECT_EQ(tracker_.Devices().at("GPU-0").cause, "XID 79");
}

TEST_F(HealthTrackerTest, MigXidMarksOnlyItsMigDeviceAndTheWholeGpu) {
  EXPECT_THAT(tracker_.OnXid(1, 4u, 0u, 94, clock_.Now()),
              ElementsAre(Change("GPU-1", false), Change("MIG-1-1", false)));
  EXPECT_TRUE(tracker_.Devices().at("MIG-1-0").healthy);
  EXPECT_TRUE(tracker_.Devices().at("GPU-0").healthy);
}

TEST_F(HealthTrackerTest, DoubleBitEccIsCritical) {
  EXPECT_THAT(tracker_.OnDoubleBitEcc(0, std::nullopt, std::nullopt, clock_.Now()),
              ElementsAre(Change("GPU-0", false)));
}

TEST_F(HealthTrackerTest, RecoversAfterTheWindowWithoutNewFaults) {
  tracker_.OnXid(0, std::nullopt, std::nullopt, 79, clock_.Now());
  clock_.Advance(50s);
  EXPECT_THAT(tracker_.Tick(clock_.Now()), IsEmpty());
  tracker_.OnXid(0, std::nullopt, std::nullopt, 79, clock_.Now());  // restarts the window
  clock_.Advance(50s);
  EXPECT_THAT(tracker_.Tick(clock_.Now()), IsEmpty());
  clock_.Advance(10s);
  std::vector<HealthChange> changes = tracker_.Tick(clock_.Now());
  ASSERT_THAT(changes, ElementsAre(Change("GPU-0", true)));
  EXPECT_THAT(changes[0].cause, HasSubstr("no critical event for 1m since XID 79"));
  EXPECT_THAT(DescribeChange(changes[0]), HasSubstr("GPU 0 (GPU-0) is healthy again"));
}

TEST_F(HealthTrackerTest, LostGpuStaysUnhealthyUntilItAnswersAndTheWindowPasses) {
  absl::Status lost = absl::UnavailableError("GPU is lost");
  EXPECT_THAT(tracker_.OnProbe(1, lost, clock_.Now()),
              ElementsAre(Change("GPU-1", false), Change("MIG-1-0", false),
                          Change("MIG-1-1", false)));
  EXPECT_TRUE(tracker_.IsLost(1));
  EXPECT_FALSE(tracker_.IsLost(0));
  EXPECT_TRUE(tracker_.Devices().at("GPU-0").healthy);
  clock_.Advance(5min);
  EXPECT_THAT(tracker_.Tick(clock_.Now()), IsEmpty());
  EXPECT_THAT(tracker_.OnProbe(1, absl::OkStatus(), clock_.Now()), IsEmpty());
  clock_.Advance(1min);
  EXPECT_THAT(tracker_.Tick(clock_.Now()),
              ElementsAre(Change("GPU-1", true), Change("MIG-1-0", true),
                          Change("MIG-1-1", true)));
}

TEST_F(HealthTrackerTest, CarriedOverFaultsKeepTheirCauseForANewWindow) {
  tracker_.OnXid(1, std::nullopt, std::nullopt, 79, clock_.Now());
  HealthSnapshot before(7, tracker_.Devices());
  clock_.Advance(50s);
  // A new layout: GPU 1 keeps MIG-1-0, loses MIG-1-1; GPU 0 was healthy.
  inventory::Inventory relaid = TwoGpus();
  relaid.gpus[1].mig_devices.pop_back();
  HealthTracker restarted(relaid, XidPolicy(), 1min, clock_.Now());
  EXPECT_THAT(restarted.CarryOver(before, clock_.Now()),
              ElementsAre(Change("GPU-1", false), Change("MIG-1-0", false)));
  EXPECT_EQ(restarted.Devices().at("MIG-1-0").cause, "XID 79");
  EXPECT_TRUE(restarted.Devices().at("GPU-0").healthy);
  // The old window would have ended after 10 s more; the new one has not.
  clock_.Advance(30s);
  EXPECT_THAT(restarted.Tick(clock_.Now()), IsEmpty());
  clock_.Advance(30s);
  EXPECT_THAT(restarted.Tick(clock_.Now()),
              ElementsAre(Change("GPU-1", true), Change("MIG-1-0", true)));
}

TEST_F(HealthTrackerTest, OtherProbeErrorsAreNoVerdict) {
  EXPECT_THAT(tracker_.OnProbe(0, absl::InternalError("odd"), clock_.Now()), IsEmpty());
}

TEST(HealthTrackerNoRecoveryTest, WithoutAWindowUnhealthyIsPermanent) {
  FakeClock clock;
  HealthTracker tracker(TwoGpus(), XidPolicy(), std::nullopt, clock.Now());
  tracker.OnXid(0, std::nullopt, std::nullopt, 79, clock.Now());
  clock.Advance(24h);
  EXPECT_THAT(tracker.Tick(clock.Now()), IsEmpty());
  EXPECT_FALSE(tracker.Devices().at("GPU-0").healthy);
}

TEST(HealthTrackerProblemTest, GpuWithAnInventoryProblemStartsUnhealthy) {
  FakeClock clock;
  inventory::Inventory inv = TwoGpus();
  inv.gpus[0].problem = "nvmlDeviceGetUUID: GPU is lost";
  HealthTracker tracker(inv, XidPolicy(), 1min, clock.Now());
  EXPECT_FALSE(tracker.Devices().at("GPU-0").healthy);
  EXPECT_THAT(tracker.Devices().at("GPU-0").cause, HasSubstr("inventory: "));
  tracker.OnProbe(0, absl::OkStatus(), clock.Now());
  clock.Advance(1min);
  EXPECT_THAT(tracker.Tick(clock.Now()), ElementsAre(Change("GPU-0", true)));
}

TEST(HealthTrackerPolicyTest, DisabledChecksIgnoreEverything) {
  FakeClock clock;
  HealthTracker tracker(TwoGpus(), ParseXidPolicy("all", std::nullopt).policy, 1min,
                        clock.Now());
  EXPECT_THAT(tracker.OnXid(0, std::nullopt, std::nullopt, 79, clock.Now()), IsEmpty());
  EXPECT_THAT(tracker.OnDoubleBitEcc(0, std::nullopt, std::nullopt, clock.Now()), IsEmpty());
}

}  // namespace
}  // namespace gpulet::health

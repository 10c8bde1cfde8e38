// HealthMonitor on the mock NVML: XIDs, ECC errors and lost GPUs injected
// through the mock's control file, recovery driven by a fake clock.
#include "health/health_monitor.h"

#include <functional>
#include <thread>

#include "base/status_matchers.h"
#include "gtest/gtest.h"
#include "health/fake_clock.h"
#include "nvml/nvml_device.h"
#include "resources/testing/mock_node.h"

namespace gpulet::health {
namespace {

using namespace std::chrono_literals;
using ::gpulet::testing::MockNode;
using ::testing::HasSubstr;

class HealthMonitorTest : public ::testing::Test {
 protected:
  void Start(std::string_view profile, XidPolicy policy = XidPolicy(),
             std::chrono::milliseconds probe_interval = 0ms) {
    ASSERT_OK_AND_ASSIGN(node_, MockNode::Open(profile));
    ASSERT_OK_AND_ASSIGN(monitor_, HealthMonitor::Start(node_->nvml(), node_->inventory(),
                                                        Options(std::move(policy), probe_interval)));
  }
  HealthMonitorOptions Options(XidPolicy policy = XidPolicy(),
                               std::chrono::milliseconds probe_interval = 0ms) {
    HealthMonitorOptions options;
    options.xids = std::move(policy);
    options.wait_timeout = 10ms;
    options.probe_interval = probe_interval;
    options.recovery_window = 1min;
    options.clock = &clock_;
    return options;
  }
  void TearDown() override {
    if (monitor_) monitor_->Stop();
  }

  // The first snapshot for which `done` holds; fails after 10 s.
  std::shared_ptr<const HealthSnapshot> Await(
      const std::function<bool(const HealthSnapshot&)>& done) {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    std::shared_ptr<const HealthSnapshot> s = monitor_->Snapshot();
    while (!done(*s) && std::chrono::steady_clock::now() < deadline) {
      s = monitor_->feed()->WaitForNewerThan(s->version(), 100ms);
    }
    EXPECT_TRUE(done(*s)) << "timed out at version " << s->version();
    return s;
  }
  const inventory::Gpu& Gpu(int i) { return node_->inventory()->gpus[i]; }
  bool Healthy(const HealthSnapshot& s, const std::string& uuid) { return s.IsHealthy(uuid); }

  FakeClock clock_;
  std::unique_ptr<MockNode> node_;
  std::unique_ptr<HealthMonitor> monitor_;
};

TEST_F(HealthMonitorTest, StartsWithEveryDeviceHealthy) {
  Start("dgx-a100-mig");
  std::shared_ptr<const HealthSnapshot> s = monitor_->Snapshot();
  EXPECT_EQ(s->version(), 1u);
  EXPECT_EQ(s->devices().size(), 8u + 7 + 3 + 2 + 3 + 1);
  for (const auto& [uuid, health] : s->devices()) EXPECT_TRUE(health.healthy) << uuid;
}

TEST_F(HealthMonitorTest, IgnoredXidsChangeNothingCriticalOnesMarkTheirGpu) {
  Start("dgx-h100");
  node_->Control("xid 0 13");
  node_->Control("xid 0 109");
  node_->Control("xid 5 48");  // after the ignored ones: a barrier
  auto s = Await([&](const HealthSnapshot& s) { return !Healthy(s, Gpu(5).uuid); });
  EXPECT_EQ(s->version(), 2u);
  EXPECT_EQ(s->Find(Gpu(5).uuid)->cause, "XID 48");
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(Healthy(*s, Gpu(i).uuid), i != 5) << i;
  }
}

TEST_F(HealthMonitorTest, DoubleBitEccMarksTheGpu) {
  Start("t4");
  node_->Control("ecc 0 double");
  auto s = Await([&](const HealthSnapshot& s) { return !Healthy(s, Gpu(0).uuid); });
  EXPECT_EQ(s->Find(Gpu(0).uuid)->cause, "double-bit ECC error");
}

TEST_F(HealthMonitorTest, MigXidMarksOnlyItsMigDevice) {
  Start("dgx-a100-mig");
  const inventory::MigDevice& target = Gpu(3).mig_devices[1];
  node_->Control("xid " + target.uuid + " 94");
  auto s = Await([&](const HealthSnapshot& s) { return !Healthy(s, target.uuid); });
  EXPECT_TRUE(Healthy(*s, Gpu(3).mig_devices[0].uuid));
  EXPECT_TRUE(Healthy(*s, Gpu(3).mig_devices[2].uuid));
  EXPECT_TRUE(Healthy(*s, Gpu(2).mig_devices[0].uuid));
  EXPECT_FALSE(Healthy(*s, Gpu(3).uuid));  // the GPU as a whole device
}

TEST_F(HealthMonitorTest, LostGpuIsUnhealthyAloneAndRecoversAfterTheWindow) {
  Start("dgx-a100-mig");
  node_->Control("lost 2");
  auto s = Await([&](const HealthSnapshot& s) {
    const DeviceHealth* h = s.Find(Gpu(2).uuid);
    return !h->healthy && h->cause.starts_with("GPU is lost");
  });
  for (const inventory::MigDevice& mig : Gpu(2).mig_devices) {
    EXPECT_FALSE(Healthy(*s, mig.uuid));
  }
  EXPECT_TRUE(Healthy(*s, Gpu(3).uuid));
  EXPECT_TRUE(Healthy(*s, Gpu(1).uuid));
  clock_.Advance(5min);  // no recovery while it is lost
  node_->Control("restore 2");
  s = Await([&](const HealthSnapshot& s) {
    return !s.Find(Gpu(2).uuid)->cause.starts_with("GPU is lost");
  });
  EXPECT_FALSE(Healthy(*s, Gpu(2).uuid));
  clock_.Advance(1min);
  s = Await([&](const HealthSnapshot& s) { return Healthy(s, Gpu(2).uuid); });
  EXPECT_THAT(s->Find(Gpu(2).uuid)->cause, HasSubstr("NVML answers and no critical event"));
  EXPECT_TRUE(Healthy(*s, Gpu(2).mig_devices[6].uuid));
}

TEST_F(HealthMonitorTest, AGpuLostWhenTheMonitorStartsRecoversWhenItAnswers) {
  ASSERT_OK_AND_ASSIGN(node_, MockNode::Open("dgx-a100-mig"));
  node_->Control("lost 2");  // after the inventory read, before the monitor opens it
  ASSERT_OK_AND_ASSIGN(monitor_, HealthMonitor::Start(node_->nvml(), node_->inventory(),
                                                      Options()));
  auto s = Await([&](const HealthSnapshot& s) { return !Healthy(s, Gpu(2).uuid); });
  EXPECT_TRUE(Healthy(*s, Gpu(1).uuid));
  node_->Control("restore 2");
  // Once it answers, its recovery window runs from then: move the clock
  // until it has passed.
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!Healthy(*monitor_->Snapshot(), Gpu(2).uuid) &&
         std::chrono::steady_clock::now() < deadline) {
    clock_.Advance(1min);
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(Healthy(*monitor_->Snapshot(), Gpu(2).uuid));
  // Its events are watched again: an XID marks it.
  node_->Control("xid 2 79");
  Await([&](const HealthSnapshot& s) { return !Healthy(s, Gpu(2).uuid); });
}

TEST_F(HealthMonitorTest, TheXidOfAGpuOffTheBusIsFollowedByAProbe) {
  // Probes are far apart; the loss is still found with its XID, so the
  // window cannot pass while the GPU is gone.
  Start("dgx-a100-mig", XidPolicy(), 1h);
  node_->Control("lost 2");
  Await([&](const HealthSnapshot& s) {
    return s.Find(Gpu(2).uuid)->cause.starts_with("GPU is lost");
  });
  clock_.Advance(5min);
  node_->Control("xid 0 13");  // an event to wake the loop; ignored
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(Healthy(*monitor_->Snapshot(), Gpu(2).uuid));
}

TEST_F(HealthMonitorTest, DisabledChecksRunNoThreadAndStopAtOnce) {
  Start("t4", ParseXidPolicy("all", std::nullopt).policy);
  node_->Control("xid 0 48");
  EXPECT_EQ(monitor_->feed()->WaitForNewerThan(1, 100ms)->version(), 1u);
  monitor_->Stop();
  monitor_->Stop();
}

// A restart for a new MIG layout: the next monitor registers before the
// previous one lets go, so an XID delivered in between is not lost.
TEST_F(HealthMonitorTest, AnXidBetweenPrepareAndBeginIsHandled) {
  Start("dgx-h100");
  HealthMonitorOptions options = Options();
  options.feed = monitor_->feed();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<HealthMonitor> next,
                       HealthMonitor::Prepare(node_->nvml(), node_->inventory(), options));
  monitor_->Stop();
  monitor_.reset();
  node_->Control("xid 2 48");
  // The mock delivers control commands at the next NVML call: now, while
  // only the prepared monitor's event set is registered.
  ASSERT_OK(nvml::NvmlDevice::ByIndex(node_->nvml(), 0).status());
  monitor_ = std::move(next);
  monitor_->Begin();
  std::shared_ptr<const HealthSnapshot> s =
      Await([&](const HealthSnapshot& s) { return !Healthy(s, Gpu(2).uuid); });
  EXPECT_THAT(s->Find(Gpu(2).uuid)->cause, HasSubstr("XID 48"));
  EXPECT_TRUE(Healthy(*s, Gpu(0).uuid));
}

TEST_F(HealthMonitorTest, StopIsPrompt) {
  Start("dgx-h100");
  auto start = std::chrono::steady_clock::now();
  monitor_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

}  // namespace
}  // namespace gpulet::health

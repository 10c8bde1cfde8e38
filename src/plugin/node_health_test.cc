// NodeHealth on the mock NVML: a GPU that falls off the bus and comes back
// must not restart the health monitor (which would forget its fault), a
// real MIG re-layout restarts it without forgetting the faults of the
// devices that stay (nor the lost GPU), and a restart that fails leaves the
// old monitor running.
#include "plugin/node_health.h"

#include <thread>

#include "base/status_matchers.h"
#include "gtest/gtest.h"
#include "resources/testing/mock_node.h"

namespace gpulet::plugin {
namespace {

using namespace std::chrono_literals;
using ::gpulet::testing::MockNode;

class NodeHealthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(node_, MockNode::Open("dgx-a100-mig"));
    health::HealthMonitorOptions options;
    options.wait_timeout = 10ms;
    options.recovery_window = 1h;
    ASSERT_OK_AND_ASSIGN(health_, NodeHealth::Start(node_->nvml(), node_->inventory(), options));
  }

  // The inventory as a rescan reads it while GPU `index` is lost.
  std::shared_ptr<const inventory::Inventory> WithLostGpu(unsigned int index) const {
    auto lost = std::make_shared<inventory::Inventory>(*node_->inventory());
    lost->gpus[index].uuid.clear();
    lost->gpus[index].mig_devices.clear();
    lost->gpus[index].problem = "GPU is lost (NVML_ERROR_GPU_IS_LOST)";
    return lost;
  }

  bool Healthy(const std::string& uuid) const {
    return health_->feed()->Current()->IsHealthy(uuid);
  }
  bool Watched(const std::string& uuid) const {
    return health_->feed()->Current()->Find(uuid) != nullptr;
  }
  // Waits up to 10 s for `uuid` to turn unhealthy.
  bool BecomesUnhealthy(const std::string& uuid) const {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (Healthy(uuid) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(10ms);
    }
    return !Healthy(uuid);
  }
  // The inventory with GPU 4's MIG devices destroyed.
  std::shared_ptr<inventory::Inventory> WithGpu4ReLaid(
      std::shared_ptr<const inventory::Inventory> from) const {
    auto relaid = std::make_shared<inventory::Inventory>(*from);
    relaid->gpus[4].mig_devices.clear();
    return relaid;
  }
  const inventory::Gpu& GpuAtStart(unsigned int index) const {
    return node_->inventory()->gpus[index];
  }

  std::unique_ptr<MockNode> node_;
  std::unique_ptr<NodeHealth> health_;
};

TEST_F(NodeHealthTest, AGpuOffTheBusIsNoNewLayout) {
  uint64_t version = health_->feed()->Current()->version();
  health_->Update(WithLostGpu(2));
  health_->Update(node_->inventory());
  // No restart: a restart publishes a snapshot of its own.
  EXPECT_EQ(health_->feed()->Current()->version(), version);
}

TEST_F(NodeHealthTest, ARelayoutKeepsTheFaultsOfTheDevicesThatStay) {
  node_->Control("xid 2 79");
  const std::string mig = node_->inventory()->gpus[2].mig_devices[0].uuid;
  ASSERT_TRUE(BecomesUnhealthy(mig));
  // GPU 4 loses its MIG devices: a new layout, a new monitor.
  uint64_t version = health_->feed()->Current()->version();
  health_->Update(WithGpu4ReLaid(node_->inventory()));
  EXPECT_GT(health_->feed()->Current()->version(), version);
  EXPECT_FALSE(Healthy(mig));
  EXPECT_FALSE(Healthy(node_->inventory()->gpus[2].uuid));
  EXPECT_TRUE(Healthy(node_->inventory()->gpus[0].uuid));
}

TEST_F(NodeHealthTest, AnotherGpusRelayoutIsWatchedWhileAGpuIsOffTheBus) {
  node_->Control("lost 2");
  ASSERT_TRUE(BecomesUnhealthy(GpuAtStart(2).uuid));
  const std::string gone = GpuAtStart(4).mig_devices[0].uuid;
  ASSERT_TRUE(Watched(gone));

  uint64_t version = health_->feed()->Current()->version();
  health_->Update(WithGpu4ReLaid(WithLostGpu(2)));
  EXPECT_GT(health_->feed()->Current()->version(), version);
  EXPECT_FALSE(Watched(gone));
  // The lost GPU is watched as it was, its fault kept.
  EXPECT_FALSE(Healthy(GpuAtStart(2).uuid));
  EXPECT_FALSE(Healthy(GpuAtStart(2).mig_devices[0].uuid));
  EXPECT_TRUE(Healthy(GpuAtStart(0).uuid));

  // Its return, read whole again, is no new layout.
  node_->Control("restore 2");
  version = health_->feed()->Current()->version();
  health_->Update(WithGpu4ReLaid(node_->inventory()));
  EXPECT_EQ(health_->feed()->Current()->version(), version);
  EXPECT_FALSE(Healthy(GpuAtStart(2).uuid));  // its recovery window has not passed
}

TEST_F(NodeHealthTest, ARestartThatFailsLeavesTheOldMonitorWatching) {
  node_->Control("fail nvmlEventSetCreate 999");
  uint64_t version = health_->feed()->Current()->version();
  health_->Update(WithGpu4ReLaid(node_->inventory()));
  EXPECT_EQ(health_->feed()->Current()->version(), version);
  EXPECT_TRUE(Watched(GpuAtStart(4).mig_devices[0].uuid));
  node_->Control("xid 0 48");
  EXPECT_TRUE(BecomesUnhealthy(GpuAtStart(0).uuid));

  // Retried at the next rescan.
  node_->Control("fail nvmlEventSetCreate 0");
  health_->Update(WithGpu4ReLaid(node_->inventory()));
  EXPECT_FALSE(Watched(GpuAtStart(4).mig_devices[0].uuid));
  EXPECT_FALSE(Healthy(GpuAtStart(0).uuid));
}

}  // namespace
}  // namespace gpulet::plugin

// NodeHealth on the mock NVML: a GPU that falls off the bus and comes back
// must not restart the health monitor (which would forget its fault), and
// a real MIG re-layout restarts it without forgetting the faults of the
// devices that stay.
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
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (Healthy(mig) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_FALSE(Healthy(mig));
  // GPU 4 loses its MIG devices: a new layout, a new monitor.
  auto relaid = std::make_shared<inventory::Inventory>(*node_->inventory());
  relaid->gpus[4].mig_devices.clear();
  uint64_t version = health_->feed()->Current()->version();
  health_->Update(relaid);
  EXPECT_GT(health_->feed()->Current()->version(), version);
  EXPECT_FALSE(Healthy(mig));
  EXPECT_FALSE(Healthy(node_->inventory()->gpus[2].uuid));
  EXPECT_TRUE(Healthy(node_->inventory()->gpus[0].uuid));
}

}  // namespace
}  // namespace gpulet::plugin

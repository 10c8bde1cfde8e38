#include "plugin/node_gpu_publisher.h"

#include <atomic>
#include <set>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handoff/annotations.h"
#include "plugin/testing/fake_handoff_api.h"

namespace gpulet::plugin {
namespace {

constexpr std::chrono::seconds kWait(10);
constexpr char kNode[] = "node/n1";

std::shared_ptr<const inventory::Inventory> TwoGpus() {
  auto inventory = std::make_shared<inventory::Inventory>();
  for (unsigned int i = 0; i < 2; ++i) {
    inventory::Gpu gpu;
    gpu.index = i;
    gpu.uuid = "GPU-" + std::to_string(i);
    gpu.name = "NVIDIA H100 80GB HBM3";
    gpu.memory_total_bytes = uint64_t{81559} << 20;
    gpu.numa_node = static_cast<int>(i);
    inventory->gpus.push_back(gpu);
  }
  return inventory;
}

// Health that the test flips: GPUs named in `sick` are unhealthy.
struct Health {
  std::mutex mu;
  std::set<std::string> sick;
  NodeGpuPublisher::HealthSource Source() {
    return [this] {
      std::lock_guard<std::mutex> lock(mu);
      return std::function<bool(std::string_view)>(
          [sick = sick](std::string_view uuid) { return !sick.contains(std::string(uuid)); });
    };
  }
};

NodeGpuPublisherOptions Options() {
  NodeGpuPublisherOptions options;
  options.node = "n1";
  options.retry_min = std::chrono::milliseconds(5);
  options.retry_max = std::chrono::milliseconds(20);
  return options;
}

std::vector<handoff::NodeGpu> Published(testing::FakeHandoffApi& api) {
  absl::StatusOr<std::vector<handoff::NodeGpu>> gpus =
      handoff::DecodeNodeGpus(api.annotations(kNode).at("gpulet.io/gpus"));
  EXPECT_TRUE(gpus.ok()) << gpus.status();
  return gpus.ok() ? *gpus : std::vector<handoff::NodeGpu>{};
}

TEST(NodeGpusOfTest, CopiesTheInventoryWithLiveHealth) {
  auto inventory = std::make_shared<inventory::Inventory>(*TwoGpus());
  inventory->gpus[1].numa_node.reset();
  std::vector<handoff::NodeGpu> gpus =
      NodeGpusOf(*inventory, [](std::string_view uuid) { return uuid != "GPU-0"; });
  ASSERT_EQ(gpus.size(), 2u);
  EXPECT_EQ(gpus[0].uuid, "GPU-0");
  EXPECT_EQ(gpus[0].model, "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(gpus[0].memory_mib, 81559);
  EXPECT_FALSE(gpus[0].healthy);
  EXPECT_TRUE(gpus[1].healthy);
  EXPECT_EQ(gpus[1].numa_node, -1);
  inventory::Inventory broken = *TwoGpus();
  broken.gpus[1].problem = "GPU is lost";
  EXPECT_FALSE(NodeGpusOf(broken, nullptr)[1].healthy);
}

TEST(NodeGpuPublisherTest, PublishesOnceAndAgainOnlyWhenHealthChanges) {
  testing::FakeHandoffApi api;
  Health health;
  NodeGpuPublisher publisher(&api, Options(), health.Source());
  publisher.Update(TwoGpus());
  ASSERT_TRUE(api.WaitForCalls(1, kWait));
  EXPECT_TRUE(Published(api)[0].healthy);
  publisher.Update(TwoGpus());  // same GPUs
  publisher.HealthChanged();    // same health
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(api.calls().size(), 1u);
  {
    std::lock_guard<std::mutex> lock(health.mu);
    health.sick.insert("GPU-1");
  }
  publisher.HealthChanged();
  ASSERT_TRUE(api.WaitForCalls(2, kWait));
  EXPECT_FALSE(Published(api)[1].healthy);
  // published() follows once the patch call has returned.
  auto deadline = std::chrono::steady_clock::now() + kWait;
  while (publisher.published() != api.annotations(kNode).at("gpulet.io/gpus") &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(publisher.published(), api.annotations(kNode).at("gpulet.io/gpus"));
}

TEST(NodeGpuPublisherTest, FailuresAreRetriedWithBackOff) {
  testing::FakeHandoffApi api;
  api.Fail(absl::UnavailableError("connection refused"));
  NodeGpuPublisher publisher(&api, Options(), nullptr);
  publisher.Update(TwoGpus());
  while (api.attempts() < 3) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_EQ(publisher.published(), "");
  api.Fail(absl::OkStatus());
  ASSERT_TRUE(api.WaitForCalls(1, kWait));
  EXPECT_EQ(Published(api).size(), 2u);
}

TEST(NodeGpuPublisherTest, PeriodicRecheckRestoresAnEditedAnnotation) {
  testing::FakeHandoffApi api;
  NodeGpuPublisherOptions options = Options();
  options.recheck = std::chrono::milliseconds(50);
  NodeGpuPublisher publisher(&api, options, nullptr);
  publisher.Update(TwoGpus());
  ASSERT_TRUE(api.WaitForCalls(1, kWait));
  ASSERT_OK(api.PatchNodeAnnotations("n1", {{"gpulet.io/gpus", std::nullopt}}));
  ASSERT_TRUE(api.WaitForCalls(3, kWait));
  EXPECT_EQ(Published(api).size(), 2u);
}

TEST(NodeGpuPublisherTest, NothingIsPublishedBeforeAnInventoryAndStopIsPrompt) {
  testing::FakeHandoffApi api;
  auto publisher = std::make_unique<NodeGpuPublisher>(&api, Options(), nullptr);
  publisher->HealthChanged();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(api.attempts(), 0);
  auto start = std::chrono::steady_clock::now();
  publisher.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

}  // namespace
}  // namespace gpulet::plugin

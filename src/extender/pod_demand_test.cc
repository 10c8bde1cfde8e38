#include "extender/pod_demand.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::extender {
namespace {

using ::testing::HasSubstr;

std::vector<handoff::NodeGpu> Gpus(int count) {
  std::vector<handoff::NodeGpu> gpus;
  for (int i = 0; i < count; ++i) {
    handoff::NodeGpu gpu;
    gpu.uuid = "GPU-" + std::to_string(i);
    gpu.index = i;
    gpu.memory_mib = 81920;
    gpus.push_back(gpu);
  }
  return gpus;
}

PodDemand Demand(int gpus, int milli) {
  PodDemand demand;
  demand.uid = "uid";
  demand.name = "pod";
  handoff::ContainerGpuRequest container;
  container.name = "main";
  container.gpus = gpus;
  container.milli = milli;
  demand.containers.push_back(container);
  demand.gpu_count = gpus;
  demand.milli = milli;
  return demand;
}

TEST(MakeDecisionTest, WholeGpusAreTheMasksSlotsInOrder) {
  absl::StatusOr<handoff::PodDecision> decision =
      MakeDecision(Demand(2, 1000), "node-a", Gpus(4), 0b0101, 1700000000);
  ASSERT_TRUE(decision.ok()) << decision.status();
  ASSERT_EQ(decision->containers.size(), 1u);
  ASSERT_EQ(decision->containers[0].gpus.size(), 2u);
  EXPECT_EQ(decision->containers[0].gpus[0].uuid, "GPU-0");
  EXPECT_EQ(decision->containers[0].gpus[1].uuid, "GPU-2");
  EXPECT_EQ(decision->node, "node-a");
}

TEST(MakeDecisionTest, ASharedPodOnANodeWhoseListChangedIsAbortedNotACrash) {
  // The ledger placed the pod on slot 1; the node's list, read after a
  // node update, has no GPU there (a division by zero before).
  absl::StatusOr<handoff::PodDecision> decision =
      MakeDecision(Demand(1, 500), "node-a", Gpus(0), 0b0010, 1700000000);
  ASSERT_EQ(decision.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(decision.status().message(), HasSubstr("node node-a changed"));
}

TEST(MakeDecisionTest, WholeGpusBeyondTheListAreAborted) {
  EXPECT_EQ(MakeDecision(Demand(2, 1000), "node-a", Gpus(2), 0b1001, 1).status().code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(MakeDecision(Demand(3, 1000), "node-a", Gpus(8), 0b0011, 1).status().code(),
            absl::StatusCode::kAborted);
}

}  // namespace
}  // namespace gpulet::extender

// gpu.clique from the GPUs' fabric registration: agreeing, disagreeing,
// not started or in progress, failed, unsupported and unknown to the driver.
#include "labels/fabric_labels.h"

#include <optional>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::labels {
namespace {

using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

constexpr std::array<uint8_t, 16> kCluster = {0x7b, 0x96, 0x8a, 0x6d, 0x2c, 0x4f, 0x4e, 0x0b,
                                              0x9a, 0x51, 0xe1, 0xe5, 0x1b, 0xe9, 0x9c, 0x31};

nvml::FabricInfo Fabric(unsigned int clique,
                        nvml::FabricState state = nvml::FabricState::kCompleted,
                        nvmlReturn_t status = NVML_SUCCESS,
                        std::array<uint8_t, 16> cluster = kCluster) {
  nvml::FabricInfo info;
  info.cluster_uuid = cluster;
  info.clique_id = clique;
  info.state = state;
  info.status = status;
  return info;
}

inventory::Inventory Node(const std::vector<std::optional<nvml::FabricInfo>>& fabrics) {
  inventory::Inventory node;
  for (size_t i = 0; i < fabrics.size(); ++i) {
    inventory::Gpu gpu;
    gpu.index = static_cast<unsigned int>(i);
    gpu.fabric = fabrics[i];
    node.gpus.push_back(gpu);
  }
  return node;
}

TEST(FabricLabelsTest, AgreeingGpusGiveClusterUuidDotClique) {
  EXPECT_THAT(FabricLabels(Node({Fabric(32766), Fabric(32766), Fabric(32766)})),
              UnorderedElementsAre(Pair(
                  "nvidia.com/gpu.clique", "7b968a6d-2c4f-4e0b-9a51-e1e51be99c31.32766")));
}

TEST(FabricLabelsTest, DisagreeingCliquesOrClustersGiveNoLabel) {
  EXPECT_THAT(FabricLabels(Node({Fabric(1), Fabric(2)})), IsEmpty());
  std::array<uint8_t, 16> other = kCluster;
  other[15] = 0x32;
  EXPECT_THAT(FabricLabels(Node({Fabric(1), Fabric(1, nvml::FabricState::kCompleted,
                                                        NVML_SUCCESS, other)})),
              IsEmpty());
}

TEST(FabricLabelsTest, GpusNotYetRegisteredAreSkipped) {
  for (nvml::FabricState state : {nvml::FabricState::kNotStarted,
                                  nvml::FabricState::kInProgress,
                                  nvml::FabricState::kNotSupported}) {
    EXPECT_THAT(FabricLabels(Node({Fabric(5, state)})), IsEmpty());
    // Only the registered GPU speaks for the node, as in GFD.
    EXPECT_THAT(FabricLabels(Node({Fabric(5, state), Fabric(7)})),
                UnorderedElementsAre(Pair("nvidia.com/gpu.clique",
                                          "7b968a6d-2c4f-4e0b-9a51-e1e51be99c31.7")));
  }
}

TEST(FabricLabelsTest, FailedRegistrationIsNotAttached) {
  EXPECT_THAT(FabricLabels(Node({Fabric(5, nvml::FabricState::kCompleted,
                                        NVML_ERROR_UNKNOWN)})),
              IsEmpty());
}

TEST(FabricLabelsTest, NoFabricSupportOrOldDriverGivesNoLabel) {
  EXPECT_THAT(FabricLabels(Node({std::nullopt, std::nullopt})), IsEmpty());
  EXPECT_THAT(FabricLabels(Node({})), IsEmpty());
}

TEST(FabricInfoTest, ClusterUuidIsLowercaseEightFourFourFourTwelve) {
  EXPECT_EQ(Fabric(0).ClusterUuidString(), "7b968a6d-2c4f-4e0b-9a51-e1e51be99c31");
  EXPECT_EQ(nvml::FabricInfo{}.ClusterUuidString(), "00000000-0000-0000-0000-000000000000");
}

}  // namespace
}  // namespace gpulet::labels

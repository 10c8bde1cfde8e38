#include "labels/resource_labels.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "labels/label_syntax.h"

namespace gpulet::labels {
namespace {

using inventory::Gpu;
using inventory::Inventory;
using inventory::MigDevice;
using ::testing::Contains;
using ::testing::Key;
using ::testing::Not;
using ::testing::Pair;

MigDevice Mig(const std::string& profile, uint64_t memory_mib, unsigned sms) {
  MigDevice mig;
  mig.profile = profile;
  mig.attributes.memory_mib = memory_mib;
  mig.attributes.multiprocessor_count = sms;
  mig.attributes.gpu_instance_slice_count = 1;
  mig.attributes.compute_instance_slice_count = 1;
  mig.attributes.shared_copy_engine_count = 1;
  return mig;
}

Gpu H100(unsigned index, bool mig_enabled, std::vector<MigDevice> migs = {}) {
  Gpu gpu;
  gpu.index = index;
  gpu.name = "NVIDIA H100 80GB HBM3";
  gpu.memory_total_bytes = uint64_t{81559} << 20;
  gpu.compute_capability = {9, 0};
  gpu.mig_capable = true;
  gpu.mig_enabled = mig_enabled;
  gpu.mig_devices = std::move(migs);
  return gpu;
}

Inventory Node(std::vector<Gpu> gpus) {
  Inventory inventory;
  inventory.gpus = std::move(gpus);
  return inventory;
}

Sharing TimeSliced(const std::string& resource, int replicas, bool renamed = false) {
  Sharing sharing;
  sharing.time_slicing.resources.push_back(
      {resource, renamed ? resource + ".shared" : "", {}, replicas});
  return sharing;
}

void ExpectAllValid(const LabelMap& labels) {
  for (const auto& [key, value] : labels) {
    EXPECT_TRUE(IsValidLabelKey(key)) << key;
    EXPECT_TRUE(IsValidLabelValue(value)) << key << "=" << value;
  }
}

TEST(ResourceLabelsTest, NoGpusNoLabels) {
  EXPECT_TRUE(ResourceLabels(Node({}), MigStrategy::kMixed, {}).empty());
}

TEST(ResourceLabelsTest, SingleStrategyWithOneProfile) {
  Inventory node = Node({H100(0, true, {Mig("1g.10gb", 9856, 16), Mig("1g.10gb", 9856, 16)}),
                         H100(1, true, {Mig("1g.10gb", 9856, 16)})});
  LabelMap labels = ResourceLabels(node, MigStrategy::kSingle, TimeSliced("nvidia.com/gpu", 3));
  EXPECT_THAT(labels, Contains(Pair("nvidia.com/gpu.product",
                                    "NVIDIA-H100-80GB-HBM3-MIG-1g.10gb-SHARED")));
  EXPECT_THAT(labels, Contains(Pair("nvidia.com/gpu.count", "3")));
  EXPECT_THAT(labels, Contains(Pair("nvidia.com/gpu.replicas", "3")));
  EXPECT_THAT(labels, Contains(Pair("nvidia.com/gpu.sharing-strategy", "time-slicing")));
  EXPECT_THAT(labels, Contains(Pair("nvidia.com/gpu.memory", "9856")));
  EXPECT_THAT(labels, Contains(Pair("nvidia.com/gpu.multiprocessors", "16")));
  EXPECT_THAT(labels, Contains(Pair("nvidia.com/gpu.family", "hopper")));
  EXPECT_THAT(labels, Contains(Pair("nvidia.com/gpu.compute.major", "9")));
}

struct InvalidLayout {
  std::string name;
  std::vector<Gpu> gpus;
};

TEST(ResourceLabelsTest, InvalidSingleLayoutsAreLabelledNotFatal) {
  const InvalidLayout layouts[] = {
      {"MIG-enabled GPU without MIG devices", {H100(0, true, {Mig("1g.10gb", 9856, 16)}),
                                               H100(1, true)}},
      {"MIG enabled and disabled", {H100(0, true, {Mig("1g.10gb", 9856, 16)}), H100(1, false)}},
      {"two profiles", {H100(0, true, {Mig("1g.10gb", 9856, 16), Mig("3g.40gb", 40192, 60)})}},
      {"only empty MIG-enabled GPUs", {H100(0, true), H100(1, true)}},
  };
  for (const InvalidLayout& layout : layouts) {
    SCOPED_TRACE(layout.name);
    LabelMap labels = ResourceLabels(Node(layout.gpus), MigStrategy::kSingle, {});
    EXPECT_THAT(labels, Contains(Pair("nvidia.com/gpu.product",
                                      "NVIDIA-H100-80GB-HBM3-MIG-INVALID")));
    EXPECT_THAT(labels, Contains(Pair("nvidia.com/gpu.count", "0")));
    EXPECT_THAT(labels, Contains(Pair("nvidia.com/gpu.replicas", "0")));
    EXPECT_THAT(labels, Contains(Pair("nvidia.com/gpu.memory", "0")));
    ExpectAllValid(labels);
  }
}

TEST(ResourceLabelsTest, SingleWithoutMigEnabledGpusIsLikeNone) {
  Inventory node = Node({H100(0, false), H100(1, false)});
  EXPECT_EQ(ResourceLabels(node, MigStrategy::kSingle, {}),
            ResourceLabels(node, MigStrategy::kNone, {}));
}

TEST(ResourceLabelsTest, MixedLabelsEveryProfileIncludingOddOnes) {
  Inventory node = Node({H100(0, true, {Mig("1g.10gb+me", 9856, 16),
                                        Mig("1c.3g.40gb", 40192, 16),
                                        Mig("1g.20gb+gfx", 19968, 16)}),
                         H100(1, true)});
  LabelMap labels = ResourceLabels(node, MigStrategy::kMixed, {});
  EXPECT_THAT(labels, Contains(Pair("nvidia.com/mig-1g.10gb.me.product",
                                    "NVIDIA-H100-80GB-HBM3-MIG-1g.10gb.me")));
  EXPECT_THAT(labels, Contains(Pair("nvidia.com/mig-1c.3g.40gb.count", "1")));
  EXPECT_THAT(labels, Contains(Pair("nvidia.com/mig-1g.20gb.gfx.memory", "19968")));
  // Both GPUs are MIG parents: the full-GPU labels are NVIDIA's replicas=0.
  EXPECT_THAT(labels, Contains(Pair("nvidia.com/gpu.replicas", "0")));
  EXPECT_THAT(labels, Contains(Pair("nvidia.com/gpu.count", "2")));
  ExpectAllValid(labels);
}

TEST(ResourceLabelsTest, MixedSharingAppliesPerMigResource) {
  Inventory node = Node({H100(0, true, {Mig("1g.10gb", 9856, 16)}), H100(1, false)});
  LabelMap labels =
      ResourceLabels(node, MigStrategy::kMixed, TimeSliced("nvidia.com/mig-1g.10gb", 2, true));
  EXPECT_THAT(labels, Contains(Pair("nvidia.com/mig-1g.10gb.product",
                                    "NVIDIA-H100-80GB-HBM3-MIG-1g.10gb")));
  EXPECT_THAT(labels, Contains(Pair("nvidia.com/mig-1g.10gb.replicas", "2")));
  // GPU 1 is whole and unshared.
  EXPECT_THAT(labels, Contains(Pair("nvidia.com/gpu.replicas", "1")));
  EXPECT_THAT(labels, Contains(Pair("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3")));
}

TEST(ResourceLabelsTest, NoneStrategySharesMigEnabledGpusLikeThePlugin) {
  Inventory node = Node({H100(0, true, {Mig("1g.10gb", 9856, 16)})});
  LabelMap labels = ResourceLabels(node, MigStrategy::kNone, TimeSliced("nvidia.com/gpu", 4));
  EXPECT_THAT(labels, Contains(Pair("nvidia.com/gpu.replicas", "4")));
  EXPECT_THAT(labels, Not(Contains(Key("nvidia.com/mig-1g.10gb.count"))));
}

TEST(ResourceLabelsTest, OddAndLongProductNamesGiveValidValues) {
  Gpu gpu = H100(0, true, {Mig("1g.24gb", 24000, 20)});
  gpu.name = "NVIDIA RTX PRO 6000 Blackwell Server Edition (ES) \xC2\xAE / rev#2 extra";
  gpu.compute_capability = {12, 0};
  LabelMap labels =
      ResourceLabels(Node({gpu}), MigStrategy::kSingle, TimeSliced("nvidia.com/gpu", 2));
  ExpectAllValid(labels);
  EXPECT_THAT(labels.at("nvidia.com/gpu.product"), ::testing::EndsWith("-MIG-1g.24gb-SHARED"));
  EXPECT_THAT(labels, Contains(Pair("nvidia.com/gpu.family", "blackwell")));
}

TEST(ResourceLabelsTest, SeveralModelsPickTheLowestIndexDeterministically) {
  Gpu t4;
  t4.index = 0;
  t4.name = "Tesla T4";
  t4.compute_capability = {7, 5};
  Inventory node = Node({t4, H100(1, false), H100(2, false)});
  LabelMap labels = ResourceLabels(node, MigStrategy::kNone, {});
  EXPECT_THAT(labels, Contains(Pair("nvidia.com/gpu.product", "Tesla-T4")));
  EXPECT_THAT(labels, Contains(Pair("nvidia.com/gpu.count", "1")));
  // T4 reports no memory here: the H100's memory label must not leak in.
  EXPECT_THAT(labels, Not(Contains(Key("nvidia.com/gpu.memory"))));
}

TEST(ArchitectureFamilyTest, Table) {
  const std::tuple<int, int, std::string_view> cases[] = {
      {1, 0, "tesla"},  {2, 1, "fermi"},   {3, 7, "kepler"},        {5, 2, "maxwell"},
      {6, 1, "pascal"}, {7, 0, "volta"},   {7, 5, "turing"},        {8, 6, "ampere"},
      {8, 9, "ada-lovelace"}, {9, 0, "hopper"}, {10, 0, "blackwell"}, {12, 0, "blackwell"},
      {13, 0, "rubin"}, {4, 0, "undefined"}, {11, 0, "undefined"}};
  for (const auto& [major, minor, want] : cases) {
    EXPECT_EQ(ArchitectureFamily(major, minor), want) << major << "." << minor;
  }
}

}  // namespace
}  // namespace gpulet::labels

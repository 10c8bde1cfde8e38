// BuildResourceSets on every shipped machine profile, through the real
// inventory path on the mock NVML, for each MIG strategy and sharing mode.
#include "resources/resource_set.h"

#include <map>
#include <set>

#include "base/status_matchers.h"
#include "gtest/gtest.h"
#include "resources/testing/mock_node.h"

namespace gpulet::resources {
namespace {

using ::gpulet::testing::MockNode;
using ::gpulet::testing::StatusIs;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

ResourceOptions Mig(MigStrategy strategy) {
  ResourceOptions options;
  options.mig_strategy = strategy;
  return options;
}

ReplicatedResource Entry(std::string name, int replicas,
                         std::vector<std::string> ids = {}) {
  ReplicatedResource entry;
  entry.name = std::move(name);
  entry.replicas = replicas;
  if (!ids.empty()) {
    entry.devices.kind = DeviceSelector::Kind::kList;
    entry.devices.ids = std::move(ids);
  }
  return entry;
}

// Resource name → number of devices.
std::map<std::string, size_t> Counts(const ResourceSets& sets) {
  std::map<std::string, size_t> counts;
  for (const auto& set : sets.sets) counts[set->name().ToString()] = set->devices().size();
  return counts;
}

class ResourceSetTest : public ::testing::Test {
 protected:
  // The previous node goes first: the mock reads its profile when NVML is
  // first initialised.
  const inventory::Inventory& Open(std::string_view profile) {
    node_.reset();
    absl::StatusOr<std::unique_ptr<MockNode>> node = MockNode::Open(profile);
    EXPECT_OK(node);
    node_ = std::move(*node);
    return *node_->inventory();
  }
  static ResourceOptions TimeSliced(std::string name, int replicas) {
    ResourceOptions options;
    options.sharing.strategy = SharingStrategy::kTimeSlicing;
    options.sharing.resources.push_back(Entry(std::move(name), replicas));
    return options;
  }

  std::unique_ptr<MockNode> node_;
};

TEST_F(ResourceSetTest, DgxH100NoneAndMixedGiveEightWholeGpus) {
  const inventory::Inventory& inv = Open("dgx-h100");
  for (MigStrategy strategy : {MigStrategy::kNone, MigStrategy::kMixed}) {
    ASSERT_OK_AND_ASSIGN(ResourceSets sets,
                         BuildResourceSets(inv, Mig(strategy)));
    ASSERT_EQ(Counts(sets), (std::map<std::string, size_t>{{"nvidia.com/gpu", 8}}));
    const ResourceSet& gpus = *sets.sets[0];
    EXPECT_FALSE(gpus.replicated());
    EXPECT_EQ(gpus.sharing(), SharingStrategy::kNone);
    for (size_t i = 0; i < 8; ++i) {
      const Device& d = gpus.devices()[i];
      EXPECT_EQ(d.id.ToString(), inv.gpus[i].uuid);
      EXPECT_EQ(d.index, std::to_string(i));
      EXPECT_EQ(d.numa_node, i < 4 ? 0 : 1);
      EXPECT_EQ(d.health, Health::kHealthy);
      EXPECT_FALSE(d.is_mig());
      ASSERT_EQ(d.device_nodes.size(), 1u);
      EXPECT_EQ(d.device_nodes[0].name, "nvidia" + std::to_string(i));
      EXPECT_EQ(gpus.Find(inv.gpus[i].uuid), &d);
    }
    EXPECT_EQ(gpus.Find("GPU-unknown"), nullptr);
  }
}

TEST_F(ResourceSetTest, SingleStrategyNeedsEveryGpuMigEnabled) {
  EXPECT_THAT(BuildResourceSets(Open("dgx-h100"), Mig(MigStrategy::kSingle)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("GPU 0 (GPU-a84bba07-931d-b925-306a-0799dc6ebd71) "
                                 "is not MIG-enabled")));
  EXPECT_THAT(BuildResourceSets(Open("t4"), Mig(MigStrategy::kSingle)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("migStrategy single")));
  EXPECT_THAT(
      BuildResourceSets(Open("dgx-a100-mig"), Mig(MigStrategy::kSingle)),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("GPU 0")));
}

TEST_F(ResourceSetTest, SingleStrategyRejectsEmptyAndMixedProfiles) {
  inventory::Inventory inv = Open("dgx-a100-mig");
  // GPUs 2..7 are MIG-enabled; 5 has no devices, the others mixed profiles.
  inventory::Inventory no_devices = inv;
  no_devices.gpus = {inv.gpus[2], inv.gpus[5]};
  EXPECT_THAT(BuildResourceSets(no_devices, Mig(MigStrategy::kSingle)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("is MIG-enabled but has no MIG devices")));
  inventory::Inventory two_profiles = inv;
  two_profiles.gpus = {inv.gpus[2], inv.gpus[3]};
  EXPECT_THAT(BuildResourceSets(two_profiles, Mig(MigStrategy::kSingle)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("more than one profile (1g.5gb and 2g.10gb")));
}

TEST_F(ResourceSetTest, SingleStrategyServesMigDevicesAsGpus) {
  inventory::Inventory inv = Open("dgx-a100-mig");
  inventory::Inventory single = inv;
  single.gpus = {inv.gpus[2]};  // 7x 1g.5gb
  ASSERT_OK_AND_ASSIGN(ResourceSets sets,
                       BuildResourceSets(single, Mig(MigStrategy::kSingle)));
  ASSERT_EQ(Counts(sets), (std::map<std::string, size_t>{{"nvidia.com/gpu", 7}}));
  const Device& d = sets.sets[0]->devices()[1];
  EXPECT_EQ(d.id.ToString(), inv.gpus[2].mig_devices[1].uuid);
  EXPECT_EQ(d.index, "2:1");
  EXPECT_EQ(d.gpu_uuid, inv.gpus[2].uuid);
  EXPECT_EQ(d.gpu_instance_id, 8u);
  EXPECT_EQ(d.compute_instance_id, 0u);
  EXPECT_EQ(d.numa_node, 1);
  ASSERT_EQ(d.device_nodes.size(), 3u);
  EXPECT_EQ(d.device_nodes[0].name, "nvidia2");
  EXPECT_TRUE(d.device_nodes[1].name.starts_with("nvidia-caps/nvidia-cap"));
  EXPECT_TRUE(d.device_nodes[2].found());
}

TEST_F(ResourceSetTest, MixedStrategyNamesMigResourcesAsNvidiaDoes) {
  const inventory::Inventory& inv = Open("dgx-a100-mig");
  ASSERT_OK_AND_ASSIGN(ResourceSets sets,
                       BuildResourceSets(inv, Mig(MigStrategy::kMixed)));
  EXPECT_EQ(Counts(sets), (std::map<std::string, size_t>{
                              {"nvidia.com/gpu", 2},
                              {"nvidia.com/mig-1g.10gb", 1},
                              {"nvidia.com/mig-1g.5gb", 8},
                              {"nvidia.com/mig-1g.5gb.me", 1},
                              {"nvidia.com/mig-2g.10gb", 1},
                              {"nvidia.com/mig-3g.20gb", 3},
                              {"nvidia.com/mig-4g.20gb", 1},
                              {"nvidia.com/mig-7g.40gb", 1},
                          }));
  ASSERT_THAT(sets.warnings, ElementsAre(HasSubstr("GPU 5")));
  EXPECT_THAT(sets.warnings[0], HasSubstr("MIG-enabled but has no MIG devices"));
  const ResourceSet* me = sets.Find(*ResourceName::Parse("mig-1g.5gb.me"));
  ASSERT_NE(me, nullptr);
  EXPECT_EQ(me->devices()[0].index, "6:2");
  EXPECT_EQ(me->devices()[0].mig_profile->ToString(), "1g.5gb+me");
}

TEST_F(ResourceSetTest, MixedStrategyRejectsComputeInstanceProfiles) {
  inventory::Inventory inv = Open("dgx-a100-mig");
  inv.gpus[4].mig_devices[0].profile = "1c.3g.20gb";
  EXPECT_THAT(BuildResourceSets(inv, Mig(MigStrategy::kMixed)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("profile 1c.3g.20gb, which matches no resource")));
}

TEST_F(ResourceSetTest, NoneStrategyIgnoresMigMode) {
  ASSERT_OK_AND_ASSIGN(ResourceSets sets, BuildResourceSets(Open("dgx-a100-mig"), {}));
  EXPECT_EQ(Counts(sets), (std::map<std::string, size_t>{{"nvidia.com/gpu", 8}}));
  ASSERT_OK_AND_ASSIGN(sets, BuildResourceSets(Open("hetero"), {}));
  EXPECT_EQ(Counts(sets), (std::map<std::string, size_t>{{"nvidia.com/gpu", 4}}));
  ASSERT_OK_AND_ASSIGN(sets, BuildResourceSets(Open("t4"), {}));
  EXPECT_EQ(Counts(sets), (std::map<std::string, size_t>{{"nvidia.com/gpu", 1}}));
}

TEST_F(ResourceSetTest, GpuWithAProblemIsNeverHealthy) {
  inventory::Inventory inv = Open("hetero");
  inv.gpus[2].problem = "nvmlDeviceGetMemoryInfo on GPU 2: GPU is lost";
  ASSERT_OK_AND_ASSIGN(ResourceSets sets, BuildResourceSets(inv, TimeSliced("gpu", 2)));
  for (const Device& d : sets.sets[0]->devices()) {
    EXPECT_EQ(d.health == Health::kUnhealthy, d.gpu_index == 2) << d.id.ToString();
    if (d.gpu_index == 2) {
      EXPECT_THAT(d.problem, HasSubstr("GPU is lost"));
    }
  }
}

TEST_F(ResourceSetTest, GpusWhoseUuidCannotBeReadAreNotAdvertised) {
  inventory::Inventory inv = Open("dgx-h100");
  for (unsigned int index : {3u, 5u}) {
    inv.gpus[index].uuid.clear();
    inv.gpus[index].problem = "nvmlDeviceGetHandleByIndex_v2 on GPU " +
                              std::to_string(index) + ": GPU is lost";
  }
  for (const ResourceOptions& options : {ResourceOptions{}, TimeSliced("gpu", 2)}) {
    ASSERT_OK_AND_ASSIGN(ResourceSets sets, BuildResourceSets(inv, options));
    ASSERT_EQ(sets.sets.size(), 1u);
    std::set<std::string> ids;
    for (const Device& d : sets.sets[0]->devices()) {
      EXPECT_FALSE(d.gpu_uuid.empty());
      ids.insert(d.id.ToString());
    }
    EXPECT_EQ(ids.size(), sets.sets[0]->devices().size());
    EXPECT_EQ(sets.sets[0]->devices().size(), 6u * (options.sharing.resources.empty() ? 1 : 2));
    EXPECT_THAT(sets.warnings, Contains(HasSubstr("GPU 3 is not advertised")));
    EXPECT_THAT(sets.warnings, Contains(HasSubstr("GPU 5 is not advertised")));
  }
}

TEST_F(ResourceSetTest, TimeSlicingReplicatesEveryGpu) {
  const inventory::Inventory& inv = Open("dgx-h100");
  ASSERT_OK_AND_ASSIGN(ResourceSets sets, BuildResourceSets(inv, TimeSliced("gpu", 4)));
  ASSERT_EQ(Counts(sets), (std::map<std::string, size_t>{{"nvidia.com/gpu", 32}}));
  const ResourceSet& set = *sets.sets[0];
  EXPECT_TRUE(set.replicated());
  EXPECT_EQ(set.sharing(), SharingStrategy::kTimeSlicing);
  EXPECT_FALSE(set.fail_requests_greater_than_one());
  EXPECT_EQ(set.devices()[5].id.ToString(), inv.gpus[1].uuid + "::1");
  EXPECT_EQ(set.devices()[5].index, "1");
  EXPECT_EQ(set.devices()[5].replicas, 4);
  EXPECT_NE(set.Find(inv.gpus[7].uuid + "::3"), nullptr);
  EXPECT_EQ(set.Find(inv.gpus[7].uuid + "::4"), nullptr);
  EXPECT_EQ(set.Find(inv.gpus[7].uuid), nullptr);
}

TEST_F(ResourceSetTest, RenameByDefaultAndFailRequestsGreaterThanOne) {
  ResourceOptions options = TimeSliced("nvidia.com/gpu", 2);
  options.sharing.rename_by_default = true;
  options.sharing.fail_requests_greater_than_one = true;
  ASSERT_OK_AND_ASSIGN(ResourceSets sets, BuildResourceSets(Open("hetero"), options));
  ASSERT_EQ(Counts(sets), (std::map<std::string, size_t>{{"nvidia.com/gpu.shared", 8}}));
  EXPECT_TRUE(sets.sets[0]->fail_requests_greater_than_one());
}

TEST_F(ResourceSetTest, MixedMigResourcesShareByName) {
  ResourceOptions options = TimeSliced("mig-1g.5gb", 3);
  options.mig_strategy = MigStrategy::kMixed;
  options.sharing.rename_by_default = true;
  ASSERT_OK_AND_ASSIGN(ResourceSets sets, BuildResourceSets(Open("dgx-a100-mig"), options));
  std::map<std::string, size_t> counts = Counts(sets);
  EXPECT_EQ(counts["nvidia.com/mig-1g.5gb.shared"], 24u);
  EXPECT_EQ(counts.count("nvidia.com/mig-1g.5gb"), 0u);
  EXPECT_EQ(counts["nvidia.com/mig-3g.20gb"], 3u);
}

TEST_F(ResourceSetTest, PerGpuReplicaCountsFromTheDevicesField) {
  const inventory::Inventory& inv = Open("dgx-h100");
  ResourceOptions options;
  options.sharing.strategy = SharingStrategy::kTimeSlicing;
  options.sharing.resources = {
      Entry("gpu", 4, {"0", inv.gpus[1].uuid}),
      Entry("gpu", 2, {"2"}),
  };
  ASSERT_OK_AND_ASSIGN(ResourceSets sets, BuildResourceSets(inv, options));
  ASSERT_EQ(Counts(sets), (std::map<std::string, size_t>{{"nvidia.com/gpu", 4 + 4 + 2 + 5}}));
  const ResourceSet& set = *sets.sets[0];
  EXPECT_NE(set.Find(inv.gpus[1].uuid + "::3"), nullptr);
  EXPECT_EQ(set.Find(inv.gpus[2].uuid + "::1")->replicas, 2);
  EXPECT_EQ(set.Find(inv.gpus[2].uuid + "::2"), nullptr);
  EXPECT_EQ(set.Find(inv.gpus[3].uuid)->replicas, 1);
  EXPECT_TRUE(set.replicated());

  options.sharing.rename_by_default = true;
  ASSERT_OK_AND_ASSIGN(sets, BuildResourceSets(inv, options));
  EXPECT_EQ(Counts(sets), (std::map<std::string, size_t>{{"nvidia.com/gpu", 5},
                                                         {"nvidia.com/gpu.shared", 10}}));
}

TEST_F(ResourceSetTest, MpsDefaultsToOneDevicePerRequestAndCapsReplicas) {
  ResourceOptions options = TimeSliced("gpu", 48);
  options.sharing.strategy = SharingStrategy::kMps;
  ASSERT_OK_AND_ASSIGN(ResourceSets sets, BuildResourceSets(Open("t4"), options));
  EXPECT_EQ(sets.sets[0]->sharing(), SharingStrategy::kMps);
  EXPECT_TRUE(sets.sets[0]->fail_requests_greater_than_one());
  options.sharing.resources[0].replicas = 49;
  EXPECT_THAT(BuildResourceSets(Open("t4"), options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("sharing.mps.resources[0].replicas: 49 exceeds "
                                 "MPS's limit of 48")));
}

TEST_F(ResourceSetTest, BadSharingInputNamesTheField) {
  const inventory::Inventory& inv = Open("dgx-a100-mig");
  struct Case {
    ResourceOptions options;
    std::string error;
  };
  ResourceOptions two_all = TimeSliced("gpu", 2);
  two_all.sharing.resources.push_back(Entry("nvidia.com/gpu", 3));
  ResourceOptions mps_mixed = TimeSliced("gpu", 2);
  mps_mixed.sharing.strategy = SharingStrategy::kMps;
  mps_mixed.mig_strategy = MigStrategy::kMixed;
  ResourceOptions mps_mig = TimeSliced("gpu", 2);
  mps_mig.sharing.strategy = SharingStrategy::kMps;
  mps_mig.sharing.resources[0].name = "mig-1g.5gb";
  ResourceOptions bad_count = TimeSliced("gpu", 2);
  bad_count.sharing.resources[0].devices.kind = DeviceSelector::Kind::kCount;
  bad_count.sharing.resources[0].devices.count = 9;
  ResourceOptions bad_id = TimeSliced("gpu", 2);
  bad_id.sharing.resources[0] = Entry("gpu", 2, {"GPU-nope"});
  for (const Case& c : std::vector<Case>{
           {TimeSliced("gpu", 1), "sharing.timeSlicing.resources[0].replicas: 1 for nvidia.com/gpu"},
           {TimeSliced("gpu", 0), "at least 2"},
           {TimeSliced("Gpu!", 2), "sharing.timeSlicing.resources[0].name: resource name \"Gpu!\""},
           {two_all, "already shared by sharing.timeSlicing.resources[0] (duplicate resource name)"},
           {mps_mixed, "sharing.mps: MPS sharing cannot be combined with migStrategy mixed"},
           {mps_mig, "sharing.mps.resources[0]: MPS sharing of MIG devices"},
           {bad_count, "sharing.timeSlicing.resources[0].devices: count 9"},
           {bad_id, "\"GPU-nope\" is no device of the resource"},
       }) {
    EXPECT_THAT(BuildResourceSets(inv, c.options),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.error)));
  }
}

TEST_F(ResourceSetTest, SharingAResourceTheNodeLacksIsOnlyAWarning) {
  ResourceOptions options = TimeSliced("mig-1g.10gb", 2);
  options.sharing.resources[0].rename = "custom";
  ASSERT_OK_AND_ASSIGN(ResourceSets sets, BuildResourceSets(Open("t4"), options));
  EXPECT_EQ(Counts(sets), (std::map<std::string, size_t>{{"nvidia.com/gpu", 1}}));
  EXPECT_THAT(sets.warnings,
              UnorderedElementsAre(HasSubstr(".rename \"custom\" is ignored"),
                                   HasSubstr("no nvidia.com/mig-1g.10gb devices")));
}

TEST(MigStrategyTest, ParsesNamesAndRejectsOthers) {
  EXPECT_EQ(*ParseMigStrategy("none"), MigStrategy::kNone);
  EXPECT_EQ(*ParseMigStrategy("single"), MigStrategy::kSingle);
  EXPECT_EQ(*ParseMigStrategy("mixed"), MigStrategy::kMixed);
  EXPECT_THAT(ParseMigStrategy("Mixed"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("migStrategy: unknown strategy \"Mixed\"")));
  EXPECT_EQ(MigStrategyName(MigStrategy::kSingle), "single");
  EXPECT_EQ(SharingStrategyName(SharingStrategy::kTimeSlicing), "time-slicing");
}

}  // namespace
}  // namespace gpulet::resources

#include "allocation/preferred_allocator.h"

#include "base/status_matchers.h"
#include "gtest/gtest.h"

namespace gpulet::allocation {
namespace {

using ::gpulet::testing::StatusIs;
using ::gpulet::resources::Device;
using ::gpulet::resources::DeviceId;
using ::gpulet::resources::ResourceName;
using ::gpulet::resources::ResourceSet;
using ::gpulet::resources::SharingStrategy;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Uuid(int gpu) { return "GPU-" + std::to_string(gpu); }

Device Make(int gpu, std::optional<int> replica, int replicas) {
  Device d;
  d.id = replica ? DeviceId(Uuid(gpu), *replica) : DeviceId(Uuid(gpu));
  d.index = std::to_string(gpu);
  d.gpu_index = gpu;
  d.gpu_uuid = Uuid(gpu);
  d.replicas = replicas;
  return d;
}

std::shared_ptr<const ResourceSet> Whole(int gpus) {
  std::vector<Device> devices;
  for (int g = 0; g < gpus; ++g) devices.push_back(Make(g, std::nullopt, 1));
  return std::make_shared<const ResourceSet>(ResourceName::Gpu(), devices,
                                             SharingStrategy::kNone, false);
}

std::shared_ptr<const ResourceSet> Replicated(int gpus, int replicas) {
  std::vector<Device> devices;
  for (int g = 0; g < gpus; ++g) {
    for (int r = 0; r < replicas; ++r) devices.push_back(Make(g, r, replicas));
  }
  return std::make_shared<const ResourceSet>(ResourceName::Gpu(), devices,
                                             SharingStrategy::kTimeSlicing, false);
}

std::string R(int gpu, int replica) { return Uuid(gpu) + "::" + std::to_string(replica); }

TEST(PreferredAllocatorTest, WholeGpusFollowTheTopology) {
  Topology t(4);
  t.SetNvLinks(0, 1, 4);
  t.SetNvLinks(2, 3, 4);
  PreferredAllocator allocator(Whole(4), t, SharedAllocationPolicy::kDistributed);
  EXPECT_THAT(*allocator.Preferred({Uuid(3), Uuid(2), Uuid(1), Uuid(0)}, {}, 2),
              ElementsAre(Uuid(0), Uuid(1)));
  EXPECT_THAT(*allocator.Preferred({Uuid(0), Uuid(1), Uuid(2)}, {}, 1),
              ElementsAre(Uuid(2)));
  EXPECT_THAT(*allocator.Preferred({Uuid(0), Uuid(1), Uuid(2), Uuid(3)}, {Uuid(3)}, 2),
              ElementsAre(Uuid(2), Uuid(3)));
}

TEST(PreferredAllocatorTest, DistributedSpreadsReplicasAcrossGpus) {
  PreferredAllocator allocator(Replicated(3, 2), Topology(3),
                               SharedAllocationPolicy::kDistributed);
  EXPECT_THAT(*allocator.Preferred({R(0, 0), R(0, 1), R(1, 0), R(1, 1), R(2, 0), R(2, 1)},
                                   {}, 3),
              ElementsAre(R(0, 0), R(1, 0), R(2, 0)));
  // GPU 0 and GPU 1 each have a replica in use; GPU 2 is idle.
  EXPECT_THAT(*allocator.Preferred({R(0, 1), R(1, 1), R(2, 0), R(2, 1)}, {}, 1),
              ElementsAre(R(2, 0)));
  EXPECT_THAT(*allocator.Preferred({R(0, 1), R(1, 1), R(2, 0), R(2, 1)}, {R(0, 1)}, 2),
              ElementsAre(R(0, 1), R(2, 0)));
}

TEST(PreferredAllocatorTest, PackedFillsTheBusiestGpuFirst) {
  PreferredAllocator allocator(Replicated(3, 3), Topology(3),
                               SharedAllocationPolicy::kPacked);
  // GPU 1 has a replica in use: pack next to it.
  EXPECT_THAT(*allocator.Preferred({R(0, 0), R(0, 1), R(0, 2), R(1, 1), R(1, 2),
                                    R(2, 0), R(2, 1), R(2, 2)},
                                   {}, 2),
              ElementsAre(R(1, 1), R(1, 2)));
  // GPU 1 is full; GPUs 0 and 2 are idle: fill the first.
  EXPECT_THAT(*allocator.Preferred({R(0, 0), R(0, 1), R(0, 2), R(2, 0), R(2, 1), R(2, 2)},
                                   {}, 2),
              ElementsAre(R(0, 0), R(0, 1)));
}

TEST(PreferredAllocatorTest, BadRequestsNameTheIds) {
  PreferredAllocator allocator(Whole(2), Topology(2), SharedAllocationPolicy::kDistributed);
  EXPECT_THAT(allocator.Preferred({Uuid(0), "GPU-9"}, {}, 1),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("available device IDs unknown or repeated: GPU-9")));
  EXPECT_THAT(allocator.Preferred({Uuid(0)}, {Uuid(1)}, 1),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("must-include device GPU-1 is not available")));
  EXPECT_THAT(allocator.Preferred({Uuid(0)}, {}, 2),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("size 2")));
  EXPECT_THAT(ParseSharedAllocationPolicy("spread"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--shared-devices-allocation-policy")));
  EXPECT_EQ(*ParseSharedAllocationPolicy("packed"), SharedAllocationPolicy::kPacked);
}

}  // namespace
}  // namespace gpulet::allocation

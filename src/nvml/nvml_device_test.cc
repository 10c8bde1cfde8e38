// NvmlDevice against the mock NVML library: each query's answer and each
// wrapper's failure path.
#include "nvml/nvml_device.h"

#include "base/status_matchers.h"
#include "gtest/gtest.h"
#include "mock/nvml/machine_profile.h"
#include "nvml/nvml_error.h"
#include "nvml/nvml_instance.h"
#include "nvml/testing/mock_nvml_test_base.h"

namespace gpulet::nvml {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

class NvmlDeviceTest : public nvml::testing::MockNvmlTest {};

TEST_F(NvmlDeviceTest, QueriesAnswerWhatTheProfileSays) {
  Open("dgx-h100");
  for (unsigned int i = 0; i < profile_.gpus.size(); ++i) {
    const mock::GpuProfile& want = profile_.gpus[i];
    ASSERT_OK_AND_ASSIGN(NvmlDevice device, NvmlDevice::ByIndex(library_, i));
    EXPECT_EQ(device.description(), "GPU " + std::to_string(i));
    EXPECT_EQ(device.Name().value(), want.name);
    EXPECT_EQ(device.Uuid().value(), want.uuid);
    EXPECT_EQ(device.Serial().value(), want.serial);
    EXPECT_EQ(device.Index().value(), i);
    EXPECT_EQ(device.MinorNumber().value(), want.minor);
    ASSERT_OK_AND_ASSIGN(PciInfo pci, device.Pci());
    EXPECT_EQ(pci.bus_id, want.pci.bus_id);
    EXPECT_EQ(pci.pci_device_id, want.pci.device_id);
    EXPECT_EQ(pci.pci_subsystem_id, want.pci.subsystem_id);
    EXPECT_EQ(device.NumaNode().value(), want.numa_node.value());
    ASSERT_OK_AND_ASSIGN(MemoryInfo memory, device.Memory());
    EXPECT_EQ(memory.total_bytes, want.memory.total);
    EXPECT_EQ(memory.reserved_bytes, want.memory.reserved);
    EXPECT_EQ(memory.used_bytes, want.memory.used);
    EXPECT_EQ(memory.free_bytes, want.memory.free());
    EXPECT_EQ(device.CudaComputeCapability().value(),
              (ComputeCapability{want.cc_major, want.cc_minor}));
    EXPECT_EQ(device.Architecture().value(), want.architecture);
    EXPECT_EQ(static_cast<uint32_t>(device.Brand().value()), want.brand);
    ASSERT_OK_AND_ASSIGN(MigMode mig, device.Mig());
    EXPECT_EQ(mig.current_enabled, want.mig.current_enabled);
    EXPECT_FALSE(device.IsMigDevice().value());
    ASSERT_OK_AND_ASSIGN(NvmlDevice by_uuid, NvmlDevice::ByUuid(library_, want.uuid));
    EXPECT_EQ(by_uuid.handle(), device.handle());
  }
}

TEST_F(NvmlDeviceTest, NvLinksAndTopology) {
  Open("dgx-h100");
  ASSERT_OK_AND_ASSIGN(NvmlDevice gpu0, NvmlDevice::ByIndex(library_, 0));
  ASSERT_OK_AND_ASSIGN(NvmlDevice gpu7, NvmlDevice::ByIndex(library_, 7));
  unsigned int active = 0;
  for (unsigned int link = 0; link < NVML_NVLINK_MAX_LINKS; ++link) {
    absl::StatusOr<bool> up = gpu0.NvLinkActive(link);
    if (!up.ok() || !*up) continue;
    ++active;
    ASSERT_OK_AND_ASSIGN(PciInfo remote, gpu0.NvLinkRemotePci(link));
    EXPECT_FALSE(remote.bus_id.empty());
  }
  EXPECT_EQ(active, profile_.gpus[0].NvLinkCount());
  ASSERT_OK_AND_ASSIGN(TopologyLevel level, gpu0.CommonAncestor(gpu7));
  EXPECT_EQ(level, TopologyLevel::kSystem) << "GPUs 0 and 7 sit on different sockets";
  EXPECT_EQ(gpu0.CommonAncestor(gpu0).value(), TopologyLevel::kInternal);
}

TEST_F(NvmlDeviceTest, MigDevicesAndTheirInstances) {
  Open("dgx-a100-mig");
  bool saw_mig = false;
  for (unsigned int i = 0; i < profile_.gpus.size(); ++i) {
    const mock::GpuProfile& want = profile_.gpus[i];
    if (!want.mig.current_enabled) continue;
    ASSERT_OK_AND_ASSIGN(NvmlDevice gpu, NvmlDevice::ByIndex(library_, i));
    ASSERT_OK_AND_ASSIGN(unsigned int slots, gpu.MaxMigDeviceCount());
    size_t found = 0;
    for (unsigned int slot = 0; slot < slots; ++slot) {
      absl::StatusOr<NvmlDevice> mig = gpu.MigDeviceByIndex(slot);
      if (absl::IsNotFound(mig.status())) continue;
      ASSERT_OK(mig.status());
      saw_mig = true;
      const mock::MigDeviceProfile& w = want.mig.devices[found++];
      EXPECT_THAT(mig->description(), HasSubstr("of GPU " + std::to_string(i)));
      EXPECT_EQ(mig->Uuid().value(), w.uuid);
      EXPECT_TRUE(mig->IsMigDevice().value());
      EXPECT_EQ(mig->GpuInstanceId().value(), w.gpu_instance_id);
      EXPECT_EQ(mig->ComputeInstanceId().value(), w.compute_instance_id);
      ASSERT_OK_AND_ASSIGN(NvmlDevice parent, mig->ParentDevice());
      EXPECT_EQ(parent.handle(), gpu.handle());
      ASSERT_OK_AND_ASSIGN(DeviceAttributes attributes, mig->Attributes());
      EXPECT_GT(attributes.memory_mib, 0u);
      EXPECT_GT(attributes.gpu_instance_slice_count, 0u);
      ASSERT_OK_AND_ASSIGN(NvmlGpuInstance gi, gpu.GpuInstanceById(w.gpu_instance_id));
      ASSERT_OK_AND_ASSIGN(GpuInstanceInfo gi_info, gi.Info());
      EXPECT_EQ(gi_info.id, w.gpu_instance_id);
      EXPECT_EQ(gi_info.placement.start, w.placement_start);
      ASSERT_OK_AND_ASSIGN(NvmlComputeInstance ci,
                           gi.ComputeInstanceById(w.compute_instance_id));
      EXPECT_EQ(ci.Info().value().id, w.compute_instance_id);
    }
    EXPECT_EQ(found, want.mig.devices.size());
    EXPECT_THAT(gpu.MigDeviceByIndex(slots),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("nvmlDeviceGetMigDeviceHandleByIndex")));
  }
  EXPECT_TRUE(saw_mig) << "the profile has MIG devices";
}

TEST_F(NvmlDeviceTest, MigQueriesOnAGpuWithoutMigAreUnimplemented) {
  Open("t4");
  ASSERT_OK_AND_ASSIGN(NvmlDevice t4, NvmlDevice::ByIndex(library_, 0));
  EXPECT_THAT(t4.Mig(), StatusIs(absl::StatusCode::kUnimplemented,
                                 AllOf(HasSubstr("nvmlDeviceGetMigMode on GPU 0"),
                                       HasSubstr("NVML_ERROR_NOT_SUPPORTED"))));
  EXPECT_THAT(t4.MigDeviceByIndex(0), ::testing::Not(gpulet::testing::IsOk()));
  EXPECT_THAT(t4.GpuInstanceById(1), ::testing::Not(gpulet::testing::IsOk()));
  EXPECT_THAT(t4.GpuInstanceId(), ::testing::Not(gpulet::testing::IsOk()));
  EXPECT_THAT(t4.ParentDevice(), ::testing::Not(gpulet::testing::IsOk()));
}

TEST_F(NvmlDeviceTest, FabricOfAGb200TrayIsReadThroughTheVersionedCall) {
  Open("gb200-nvl");
  for (unsigned int i = 0; i < profile_.gpus.size(); ++i) {
    ASSERT_OK_AND_ASSIGN(NvmlDevice gpu, NvmlDevice::ByIndex(library_, i));
    ASSERT_OK_AND_ASSIGN(FabricInfo fabric, gpu.Fabric());
    EXPECT_EQ(fabric.ClusterUuidString(), "7b968a6d-2c4f-4e0b-9a51-e1e51be99c31");
    EXPECT_EQ(fabric.clique_id, 32766u);
    EXPECT_EQ(fabric.state, FabricState::kCompleted);
    EXPECT_TRUE(fabric.attached());
    EXPECT_EQ(fabric.health_mask, 2u) << "only the V call reports it";
  }
}

TEST_F(NvmlDeviceTest, FabricOutsideAMultiNodeDomain) {
  Open("dgx-h100");
  ASSERT_OK_AND_ASSIGN(NvmlDevice h100, NvmlDevice::ByIndex(library_, 0));
  ASSERT_OK_AND_ASSIGN(FabricInfo fabric, h100.Fabric());
  EXPECT_EQ(fabric.state, FabricState::kNotSupported);
  EXPECT_FALSE(fabric.attached());
}

TEST_F(NvmlDeviceTest, FabricOfAPreHopperGpuIsUnimplemented) {
  Open("t4");
  ASSERT_OK_AND_ASSIGN(NvmlDevice t4, NvmlDevice::ByIndex(library_, 0));
  EXPECT_THAT(t4.Fabric(), StatusIs(absl::StatusCode::kUnimplemented,
                                    HasSubstr("nvmlDeviceGetGpuFabricInfoV on GPU 0")));
}

TEST_F(NvmlDeviceTest, UnknownDevicesAreNamed) {
  Open("t4");
  EXPECT_THAT(NvmlDevice::ByIndex(library_, 9),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("nvmlDeviceGetHandleByIndex_v2 on GPU 9")));
  EXPECT_THAT(NvmlDevice::ByUuid(library_, "GPU-00000000-0000-0000-0000-000000000000"),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("GPU-00000000-0000-0000-0000-000000000000")));
}

// Every query of a GPU that fell off the bus fails with kUnavailable,
// naming the call and the GPU; the other GPUs keep answering.
TEST_F(NvmlDeviceTest, EveryQueryOfALostGpuIsUnavailable) {
  Open("hetero");
  ASSERT_OK_AND_ASSIGN(NvmlDevice lost, NvmlDevice::ByIndex(library_, 1));
  ASSERT_OK_AND_ASSIGN(NvmlDevice other, NvmlDevice::ByIndex(library_, 0));
  Control("lost 1");
  auto unavailable = [](std::string_view call) {
    return StatusIs(absl::StatusCode::kUnavailable,
                    AllOf(HasSubstr(std::string(call) + " on GPU 1"),
                          HasSubstr("NVML_ERROR_GPU_IS_LOST")));
  };
  EXPECT_THAT(lost.Name(), unavailable("nvmlDeviceGetName"));
  EXPECT_THAT(lost.Uuid(), unavailable("nvmlDeviceGetUUID"));
  EXPECT_THAT(lost.Serial(), unavailable("nvmlDeviceGetSerial"));
  EXPECT_THAT(lost.Index(), unavailable("nvmlDeviceGetIndex"));
  EXPECT_THAT(lost.MinorNumber(), unavailable("nvmlDeviceGetMinorNumber"));
  EXPECT_THAT(lost.Pci(), unavailable("nvmlDeviceGetPciInfo_v3"));
  EXPECT_THAT(lost.NumaNode(), unavailable("nvmlDeviceGetNumaNodeId"));
  EXPECT_THAT(lost.Memory(), unavailable("nvmlDeviceGetMemoryInfo_v2"));
  EXPECT_THAT(lost.CudaComputeCapability(),
              unavailable("nvmlDeviceGetCudaComputeCapability"));
  EXPECT_THAT(lost.Architecture(), unavailable("nvmlDeviceGetArchitecture"));
  EXPECT_THAT(lost.Brand(), unavailable("nvmlDeviceGetBrand"));
  EXPECT_THAT(lost.Mig(), unavailable("nvmlDeviceGetMigMode"));
  EXPECT_THAT(lost.MaxMigDeviceCount(), unavailable("nvmlDeviceGetMaxMigDeviceCount"));
  EXPECT_THAT(lost.MigDeviceByIndex(0),
              unavailable("nvmlDeviceGetMigDeviceHandleByIndex"));
  EXPECT_THAT(lost.GpuInstanceProfileInfo(NVML_GPU_INSTANCE_PROFILE_1_SLICE),
              unavailable("nvmlDeviceGetGpuInstanceProfileInfoV"));
  EXPECT_THAT(lost.GpuInstanceById(1), unavailable("nvmlDeviceGetGpuInstanceById"));
  EXPECT_THAT(lost.IsMigDevice(), unavailable("nvmlDeviceIsMigDeviceHandle"));
  EXPECT_THAT(lost.CommonAncestor(other),
              unavailable("nvmlDeviceGetTopologyCommonAncestor"));
  EXPECT_THAT(lost.NvLinkActive(0), unavailable("nvmlDeviceGetNvLinkState"));
  EXPECT_THAT(lost.NvLinkRemotePci(0),
              unavailable("nvmlDeviceGetNvLinkRemotePciInfo_v2"));
  EXPECT_THAT(lost.SupportedEventTypes(),
              unavailable("nvmlDeviceGetSupportedEventTypes"));
  EXPECT_EQ(NvmlReturnOf(lost.Name().status()), NVML_ERROR_GPU_IS_LOST);

  EXPECT_OK(other.Name());
  Control("restore 1");
  EXPECT_OK(lost.Name()) << "a restored GPU answers again";
}

}  // namespace
}  // namespace gpulet::nvml

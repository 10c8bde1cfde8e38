// The mock libnvidia-ml.so.1 through dlopen: every shipped profile answers
// as the profile says, and the library's lifetime follows NVML's rules.
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mock/nvml/machine_profile.h"
#include "mock/nvml/nvml_mock_loader.h"

namespace gpulet::mock {
namespace {

using ::testing::ElementsAre;

constexpr unsigned long long kMiB = 1ull << 20;

class ShippedProfileTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    setenv("GPULET_MOCK_MACHINE", GetParam().c_str(), 1);
    ASSERT_EQ(nvml_.nvmlInit_v2(), NVML_SUCCESS);
    ASSERT_OK_AND_ASSIGN(profile_, LoadMachineProfile(GetParam()));
  }
  void TearDown() override { EXPECT_EQ(nvml_.nvmlShutdown(), NVML_SUCCESS); }

  nvmlDevice_t Gpu(unsigned int i) {
    nvmlDevice_t d = nullptr;
    EXPECT_EQ(nvml_.nvmlDeviceGetHandleByIndex_v2(i, &d), NVML_SUCCESS);
    return d;
  }

  void ExpectIdentity(nvmlDevice_t d, const GpuProfile& g) {
    char buf[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
    ASSERT_EQ(nvml_.nvmlDeviceGetName(d, buf, sizeof(buf)), NVML_SUCCESS);
    EXPECT_EQ(std::string(buf), g.name);
    ASSERT_EQ(nvml_.nvmlDeviceGetUUID(d, buf, sizeof(buf)), NVML_SUCCESS);
    EXPECT_EQ(std::string(buf), g.uuid);
    ASSERT_EQ(nvml_.nvmlDeviceGetSerial(d, buf, sizeof(buf)), NVML_SUCCESS);
    EXPECT_EQ(std::string(buf), g.serial);
    unsigned int minor = 0, numa = 0;
    ASSERT_EQ(nvml_.nvmlDeviceGetMinorNumber(d, &minor), NVML_SUCCESS);
    EXPECT_EQ(minor, g.minor);
    ASSERT_EQ(nvml_.nvmlDeviceGetNumaNodeId(d, &numa), NVML_SUCCESS);
    EXPECT_EQ(numa, g.numa_node.value());
    nvmlPciInfo_t pci{};
    ASSERT_EQ(nvml_.nvmlDeviceGetPciInfo_v3(d, &pci), NVML_SUCCESS);
    EXPECT_EQ(std::string(pci.busId), g.pci.bus_id);
    EXPECT_EQ(std::string(pci.busIdLegacy), g.pci.bus_id.substr(4));
    EXPECT_EQ(pci.bus, g.pci.bus);
    EXPECT_EQ(pci.pciDeviceId, g.pci.device_id);
    EXPECT_EQ(pci.pciSubSystemId, g.pci.subsystem_id);
    nvmlDevice_t by_bus = nullptr, by_uuid = nullptr;
    EXPECT_EQ(nvml_.nvmlDeviceGetHandleByPciBusId_v2(pci.busId, &by_bus),
              NVML_SUCCESS);
    EXPECT_EQ(by_bus, d);
    EXPECT_EQ(nvml_.nvmlDeviceGetHandleByUUID(g.uuid.c_str(), &by_uuid),
              NVML_SUCCESS);
    EXPECT_EQ(by_uuid, d);
  }

  void ExpectCapabilities(nvmlDevice_t d, const GpuProfile& g) {
    nvmlMemory_v2_t mem{};
    mem.version = nvmlMemory_v2;
    ASSERT_EQ(nvml_.nvmlDeviceGetMemoryInfo_v2(d, &mem), NVML_SUCCESS);
    EXPECT_EQ(mem.total, g.memory.total);
    EXPECT_EQ(mem.reserved, g.memory.reserved);
    EXPECT_EQ(mem.used, g.memory.used);
    EXPECT_EQ(mem.free, g.memory.free());
    nvmlMemory_t v1{};
    ASSERT_EQ(nvml_.nvmlDeviceGetMemoryInfo(d, &v1), NVML_SUCCESS);
    EXPECT_EQ(v1.total, g.memory.total);
    EXPECT_EQ(v1.used + v1.free, v1.total);
    int major = -1, minor = -1;
    ASSERT_EQ(nvml_.nvmlDeviceGetCudaComputeCapability(d, &major, &minor),
              NVML_SUCCESS);
    EXPECT_EQ(major, g.cc_major);
    EXPECT_EQ(minor, g.cc_minor);
    nvmlDeviceArchitecture_t arch = 0;
    ASSERT_EQ(nvml_.nvmlDeviceGetArchitecture(d, &arch), NVML_SUCCESS);
    EXPECT_EQ(arch, g.architecture);
    nvmlBrandType_t brand{};
    ASSERT_EQ(nvml_.nvmlDeviceGetBrand(d, &brand), NVML_SUCCESS);
    EXPECT_EQ(static_cast<uint32_t>(brand), g.brand);
  }

  void ExpectNvLinks(nvmlDevice_t d, const GpuProfile& g) {
    unsigned int link = 0;
    for (const NvLinkGroup& group : g.nvlinks) {
      for (uint32_t k = 0; k < group.count; ++k, ++link) {
        nvmlEnableState_t state{};
        ASSERT_EQ(nvml_.nvmlDeviceGetNvLinkState(d, link, &state),
                  NVML_SUCCESS);
        EXPECT_EQ(state, NVML_FEATURE_ENABLED);
        nvmlPciInfo_t remote{};
        ASSERT_EQ(nvml_.nvmlDeviceGetNvLinkRemotePciInfo_v2(d, link, &remote),
                  NVML_SUCCESS);
        EXPECT_EQ(std::string(remote.busId), group.remote_bus_id);
      }
    }
    // Past the last link: a link the GPU lacks, or no such link at all.
    nvmlEnableState_t state{};
    EXPECT_EQ(nvml_.nvmlDeviceGetNvLinkState(d, link, &state),
              link > 0 && link >= NVML_NVLINK_MAX_LINKS
                  ? NVML_ERROR_INVALID_ARGUMENT
                  : NVML_ERROR_NOT_SUPPORTED);
  }

  void ExpectMig(nvmlDevice_t d, const GpuProfile& g) {
    unsigned int current = 9, pending = 9, max = 9;
    nvmlReturn_t r = nvml_.nvmlDeviceGetMigMode(d, &current, &pending);
    if (!g.mig.capable) {
      EXPECT_EQ(r, NVML_ERROR_NOT_SUPPORTED);
      return;
    }
    ASSERT_EQ(r, NVML_SUCCESS);
    EXPECT_EQ(current, g.mig.current_enabled ? 1u : 0u);
    EXPECT_EQ(pending, g.mig.pending_enabled ? 1u : 0u);
    ASSERT_EQ(nvml_.nvmlDeviceGetMaxMigDeviceCount(d, &max), NVML_SUCCESS);
    EXPECT_EQ(max, g.mig.current_enabled ? 7u : 0u);
    for (unsigned int i = 0; i < max; ++i) {
      nvmlDevice_t mig = nullptr;
      r = nvml_.nvmlDeviceGetMigDeviceHandleByIndex(d, i, &mig);
      if (i >= g.mig.devices.size()) {
        EXPECT_EQ(r, NVML_ERROR_NOT_FOUND);
        continue;
      }
      ASSERT_EQ(r, NVML_SUCCESS);
      const MigDeviceProfile& m = g.mig.devices[i];
      char buf[NVML_DEVICE_UUID_V2_BUFFER_SIZE];
      ASSERT_EQ(nvml_.nvmlDeviceGetUUID(mig, buf, sizeof(buf)), NVML_SUCCESS);
      EXPECT_EQ(std::string(buf), m.uuid);
      unsigned int gi = 0, ci = 0;
      ASSERT_EQ(nvml_.nvmlDeviceGetGpuInstanceId(mig, &gi), NVML_SUCCESS);
      ASSERT_EQ(nvml_.nvmlDeviceGetComputeInstanceId(mig, &ci), NVML_SUCCESS);
      EXPECT_EQ(gi, m.gpu_instance_id);
      EXPECT_EQ(ci, m.compute_instance_id);
      ASSERT_EQ(nvml_.nvmlDeviceGetName(mig, buf, sizeof(buf)), NVML_SUCCESS);
      EXPECT_EQ(std::string(buf), g.name + " MIG " + m.profile);
      nvmlDeviceAttributes_t attr{};
      ASSERT_EQ(nvml_.nvmlDeviceGetAttributes_v2(mig, &attr), NVML_SUCCESS);
      EXPECT_EQ(attr.memorySizeMB,
                g.mig.table->FindByName(m.profile)->memory_mib);
    }
  }

  NvmlMockLoader nvml_;
  MachineProfile profile_;
};

TEST_P(ShippedProfileTest, AnswersAsTheProfileSays) {
  char buf[NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE];
  ASSERT_EQ(nvml_.nvmlSystemGetDriverVersion(buf, sizeof(buf)), NVML_SUCCESS);
  EXPECT_EQ(std::string(buf), profile_.driver_version);
  ASSERT_EQ(nvml_.nvmlSystemGetNVMLVersion(buf, sizeof(buf)), NVML_SUCCESS);
  EXPECT_EQ(std::string(buf), profile_.nvml_version);
  int cuda = 0;
  ASSERT_EQ(nvml_.nvmlSystemGetCudaDriverVersion_v2(&cuda), NVML_SUCCESS);
  EXPECT_EQ(cuda, profile_.cuda_driver_version);
  unsigned int count = 0;
  ASSERT_EQ(nvml_.nvmlDeviceGetCount_v2(&count), NVML_SUCCESS);
  ASSERT_EQ(count, profile_.gpus.size());
  for (unsigned int i = 0; i < count; ++i) {
    SCOPED_TRACE("GPU " + std::to_string(i));
    nvmlDevice_t d = Gpu(i);
    unsigned int index = 99;
    ASSERT_EQ(nvml_.nvmlDeviceGetIndex(d, &index), NVML_SUCCESS);
    EXPECT_EQ(index, i);
    ExpectIdentity(d, profile_.gpus[i]);
    ExpectCapabilities(d, profile_.gpus[i]);
    ExpectNvLinks(d, profile_.gpus[i]);
    ExpectMig(d, profile_.gpus[i]);
  }
}

INSTANTIATE_TEST_SUITE_P(Shipped, ShippedProfileTest,
                         ::testing::ValuesIn(ShippedMachineProfileNames()));

TEST(ShippedProfiles, AreTheFiveDocumentedOnes) {
  EXPECT_THAT(ShippedMachineProfileNames(),
              ElementsAre("dgx-a100-mig", "dgx-h100", "gb200-nvl", "hetero", "t4"));
}

// Hard-coded facts about the DGX H100 so that a profile or parser mistake
// cannot hide behind comparing the mock with its own profile.
TEST(DgxH100, IsEightH100sOnTwoNumaNodesBehindNvSwitches) {
  setenv("GPULET_MOCK_MACHINE", "dgx-h100", 1);
  NvmlMockLoader nvml;
  ASSERT_EQ(nvml.nvmlInit_v2(), NVML_SUCCESS);
  unsigned int count = 0;
  ASSERT_EQ(nvml.nvmlDeviceGetCount_v2(&count), NVML_SUCCESS);
  ASSERT_EQ(count, 8u);
  nvmlDevice_t d[8];
  for (unsigned int i = 0; i < 8; ++i) {
    ASSERT_EQ(nvml.nvmlDeviceGetHandleByIndex_v2(i, &d[i]), NVML_SUCCESS);
    unsigned int numa = 9;
    ASSERT_EQ(nvml.nvmlDeviceGetNumaNodeId(d[i], &numa), NVML_SUCCESS);
    EXPECT_EQ(numa, i < 4 ? 0u : 1u);
    nvmlMemory_t mem{};
    ASSERT_EQ(nvml.nvmlDeviceGetMemoryInfo(d[i], &mem), NVML_SUCCESS);
    EXPECT_EQ(mem.total / kMiB, 81559u);
  }
  char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
  ASSERT_EQ(nvml.nvmlDeviceGetName(d[0], name, sizeof(name)), NVML_SUCCESS);
  EXPECT_STREQ(name, "NVIDIA H100 80GB HBM3");
  int major = 0, minor = 0;
  ASSERT_EQ(nvml.nvmlDeviceGetCudaComputeCapability(d[0], &major, &minor),
            NVML_SUCCESS);
  EXPECT_EQ(major * 10 + minor, 90);
  nvmlGpuTopologyLevel_t level{};
  ASSERT_EQ(nvml.nvmlDeviceGetTopologyCommonAncestor(d[0], d[0], &level),
            NVML_SUCCESS);
  EXPECT_EQ(level, NVML_TOPOLOGY_INTERNAL);
  ASSERT_EQ(nvml.nvmlDeviceGetTopologyCommonAncestor(d[0], d[3], &level),
            NVML_SUCCESS);
  EXPECT_EQ(level, NVML_TOPOLOGY_NODE);
  ASSERT_EQ(nvml.nvmlDeviceGetTopologyCommonAncestor(d[0], d[4], &level),
            NVML_SUCCESS);
  EXPECT_EQ(level, NVML_TOPOLOGY_SYSTEM);
  nvmlPciInfo_t remote{};
  ASSERT_EQ(nvml.nvmlDeviceGetNvLinkRemotePciInfo_v2(d[0], 17, &remote),
            NVML_SUCCESS);
  EXPECT_EQ(remote.pciDeviceId, 0x22A310DEu);  // an NVSwitch
  EXPECT_EQ(nvml.nvmlShutdown(), NVML_SUCCESS);
}

TEST(Hetero, TopologySeparatesTheA100PairFromTheT4s) {
  setenv("GPULET_MOCK_MACHINE", "hetero", 1);
  NvmlMockLoader nvml;
  ASSERT_EQ(nvml.nvmlInit_v2(), NVML_SUCCESS);
  nvmlDevice_t d[4];
  for (unsigned int i = 0; i < 4; ++i) {
    ASSERT_EQ(nvml.nvmlDeviceGetHandleByIndex_v2(i, &d[i]), NVML_SUCCESS);
  }
  auto level = [&](int a, int b) {
    nvmlGpuTopologyLevel_t l{};
    EXPECT_EQ(nvml.nvmlDeviceGetTopologyCommonAncestor(d[a], d[b], &l),
              NVML_SUCCESS);
    return l;
  };
  EXPECT_EQ(level(0, 1), NVML_TOPOLOGY_SINGLE);
  EXPECT_EQ(level(2, 3), NVML_TOPOLOGY_NODE);
  EXPECT_EQ(level(0, 2), NVML_TOPOLOGY_SYSTEM);
  nvmlPciInfo_t remote{}, peer{};
  ASSERT_EQ(nvml.nvmlDeviceGetNvLinkRemotePciInfo_v2(d[0], 0, &remote),
            NVML_SUCCESS);
  ASSERT_EQ(nvml.nvmlDeviceGetPciInfo_v3(d[1], &peer), NVML_SUCCESS);
  EXPECT_STREQ(remote.busId, peer.busId);
  EXPECT_EQ(remote.pciDeviceId, peer.pciDeviceId);
  nvmlEnableState_t state{};
  EXPECT_EQ(nvml.nvmlDeviceGetNvLinkState(d[2], 0, &state),
            NVML_ERROR_NOT_SUPPORTED);
  EXPECT_EQ(nvml.nvmlShutdown(), NVML_SUCCESS);
}

// The library exports the NVML API of nvml_abi.h and nothing else, so its
// abseil and yaml-cpp copies cannot interpose on a client's.
TEST(Library, ExportsExactlyTheNvmlApi) {
  const std::string command =
      std::string("nm -D --defined-only ") + GPULET_MOCK_NVML_PATH + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::set<std::string> exported;
  char line[512];
  while (std::fgets(line, sizeof(line), pipe) != nullptr) {
    char type = 0;
    char name[400];
    if (std::sscanf(line, "%*s %c %399s", &type, name) == 2) {
      exported.insert(name);
    }
  }
  if (pclose(pipe) != 0 && exported.empty()) GTEST_SKIP() << "no nm";
  std::set<std::string> expected = {"nvmlErrorString"};
#define GPULET_NVML_NAME_(name, params) expected.insert(#name);
  GPULET_NVML_FUNCTIONS(GPULET_NVML_NAME_)
#undef GPULET_NVML_NAME_
  EXPECT_EQ(exported, expected);
}

}  // namespace
}  // namespace gpulet::mock

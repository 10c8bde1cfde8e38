// BuildInventory against the mock NVML library, for every shipped machine
// profile: what gpulet reports must be what the profile says, field by
// field.
#include "inventory/inventory_builder.h"

#include <cstdlib>
#include <fstream>
#include <string>

#include "base/status_matchers.h"
#include "gtest/gtest.h"
#include "hostfs/host_fs.h"
#include "hostfs/pci_bus_id.h"
#include "hostfs/testing/fixture_tree.h"
#include "mock/nvml/machine_profile.h"
#include "nvml/nvml_library.h"

namespace gpulet::inventory {
namespace {

using ::gpulet::hostfs::testing::FixtureTree;
using ::testing::HasSubstr;

std::string SysfsId(const std::string& nvml_bus_id) {
  absl::StatusOr<hostfs::PciBusId> id = hostfs::PciBusId::Parse(nvml_bus_id);
  EXPECT_TRUE(id.ok()) << nvml_bus_id;
  return id.ok() ? id->ToSysfsString() : "";
}

// A host tree that matches `profile`: the driver's procfs and sysfs entries,
// control nodes, one /dev/nvidia<minor> per GPU and the MIG capability
// nodes listed in mig-minors.
void BuildHost(const mock::MachineProfile& profile, FixtureTree& tree) {
  tree.AddControlNodes("/");
  std::string mig_minors = "config 1\nmonitor 2\n";
  int next_cap = 10;
  for (const mock::GpuProfile& gpu : profile.gpus) {
    tree.AddGpu("/", static_cast<int>(gpu.minor), SysfsId(gpu.pci.bus_id),
                gpu.numa_node.has_value() ? static_cast<int>(*gpu.numa_node) : -1);
    for (const mock::MigDeviceProfile& mig : gpu.mig.devices) {
      std::string gi = "gpu" + std::to_string(gpu.minor) + "/gi" +
                       std::to_string(mig.gpu_instance_id);
      mig_minors += gi + "/access " + std::to_string(next_cap) + "\n";
      tree.AddDeviceNode("/dev/nvidia-caps/nvidia-cap" + std::to_string(next_cap++));
      mig_minors += gi + "/ci" + std::to_string(mig.compute_instance_id) +
                    "/access " + std::to_string(next_cap) + "\n";
      tree.AddDeviceNode("/dev/nvidia-caps/nvidia-cap" + std::to_string(next_cap++));
    }
  }
  tree.AddFile("/proc/driver/nvidia-caps/mig-minors", mig_minors);
}

class InventoryBuilderTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_EQ(setenv("GPULET_MOCK_MACHINE", GetParam().c_str(), 1), 0);
    ASSERT_OK_AND_ASSIGN(profile_, mock::LoadMachineProfile(GetParam()));
    BuildHost(profile_, tree_);
    ASSERT_OK_AND_ASSIGN(hostfs::HostView view,
                         hostfs::HostView::AtPrefix(tree_.prefix()));
    ASSERT_OK_AND_ASSIGN(hostfs::HostFs host,
                         hostfs::HostFs::Open(view, hostfs::DriverRoots::Standard()));
    host_.emplace(std::move(host));
    ASSERT_OK_AND_ASSIGN(library_, nvml::NvmlLibrary::Open(GPULET_MOCK_NVML_PATH));
  }

  mock::MachineProfile profile_;
  FixtureTree tree_;
  std::optional<hostfs::HostFs> host_;
  std::shared_ptr<const nvml::NvmlLibrary> library_;
};

void ExpectMigDevicesMatch(const mock::GpuProfile& want, const Gpu& got) {
  ASSERT_EQ(got.mig_devices.size(), want.mig.devices.size()) << got.uuid;
  for (size_t i = 0; i < want.mig.devices.size(); ++i) {
    const mock::MigDeviceProfile& w = want.mig.devices[i];
    const MigDevice& g = got.mig_devices[i];
    SCOPED_TRACE(w.uuid);
    EXPECT_EQ(g.uuid, w.uuid);
    EXPECT_EQ(g.gpu_instance_id, w.gpu_instance_id);
    EXPECT_EQ(g.compute_instance_id, w.compute_instance_id);
    // The profile names the GPU instance; a smaller compute instance is
    // named "<C>c." in front of it.
    unsigned int gi_slices = g.attributes.gpu_instance_slice_count;
    std::string expected = w.compute_slices != 0 && w.compute_slices != gi_slices
                               ? std::to_string(w.compute_slices) + "c." + w.profile
                               : w.profile;
    EXPECT_EQ(g.profile, expected);
    ASSERT_EQ(g.device_nodes.size(), 2u);
    EXPECT_TRUE(g.device_nodes[0].found()) << g.device_nodes[0].name;
    EXPECT_TRUE(g.device_nodes[1].found()) << g.device_nodes[1].name;
  }
}

TEST_P(InventoryBuilderTest, MatchesTheProfileFieldByField) {
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const Inventory> inventory,
                       BuildInventory(library_, *host_));
  EXPECT_EQ(inventory->driver_version, profile_.driver_version);
  EXPECT_EQ(inventory->cuda_driver_version, profile_.cuda_driver_version);
  EXPECT_EQ(inventory->nvml_version, profile_.nvml_version);
  EXPECT_EQ(inventory->control_nodes.size(), 4u);
  ASSERT_EQ(inventory->gpus.size(), profile_.gpus.size());
  for (size_t i = 0; i < profile_.gpus.size(); ++i) {
    const mock::GpuProfile& want = profile_.gpus[i];
    const Gpu& got = inventory->gpus[i];
    SCOPED_TRACE(want.uuid);
    EXPECT_EQ(got.problem, "");
    EXPECT_EQ(got.index, i);
    EXPECT_EQ(got.uuid, want.uuid);
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.serial, want.serial);
    EXPECT_EQ(got.minor, want.minor);
    EXPECT_EQ(got.pci_bus_id, want.pci.bus_id);
    EXPECT_EQ(got.pci_device_id, want.pci.device_id);
    EXPECT_EQ(got.numa_node,
              want.numa_node.has_value() ? std::optional<int>(*want.numa_node)
                                         : std::nullopt);
    EXPECT_EQ(got.memory_total_bytes, want.memory.total);
    EXPECT_EQ(got.compute_capability.major, want.cc_major);
    EXPECT_EQ(got.compute_capability.minor, want.cc_minor);
    EXPECT_EQ(got.mig_capable, want.mig.capable);
    EXPECT_EQ(got.mig_enabled, want.mig.current_enabled);
    EXPECT_EQ(got.mig_pending, want.mig.pending_enabled);
    ExpectMigDevicesMatch(want, got);
    uint32_t active_links = 0;
    for (const mock::NvLinkGroup& group : want.nvlinks) {
      if (group.active) active_links += group.count;
    }
    EXPECT_EQ(got.nvlinks.size(), active_links);
    ASSERT_EQ(got.device_nodes.size(), 1u);
    ASSERT_TRUE(got.device_nodes[0].found());
    EXPECT_EQ(got.device_nodes[0].node->host_path,
              "/dev/nvidia" + std::to_string(want.minor));
  }
  ASSERT_EQ(inventory->pcie_levels.size(), profile_.gpus.size());
}

TEST_P(InventoryBuilderTest, NvLinkPeersAreNamedByIndex) {
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const Inventory> inventory,
                       BuildInventory(library_, *host_));
  for (const Gpu& gpu : inventory->gpus) {
    for (const NvLink& link : gpu.nvlinks) {
      if (!link.remote_gpu.has_value()) continue;
      ASSERT_LT(*link.remote_gpu, inventory->gpus.size());
      EXPECT_EQ(inventory->gpus[*link.remote_gpu].pci_bus_id, link.remote_bus_id);
    }
  }
}

TEST_P(InventoryBuilderTest, MissingDeviceNodesAreReportedNotInvented) {
  for (const mock::GpuProfile& gpu : profile_.gpus) {
    tree_.Remove("/dev/nvidia" + std::to_string(gpu.minor));
  }
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const Inventory> inventory,
                       BuildInventory(library_, *host_));
  for (const Gpu& gpu : inventory->gpus) {
    ASSERT_EQ(gpu.device_nodes.size(), 1u);
    EXPECT_FALSE(gpu.device_nodes[0].found());
    EXPECT_EQ(gpu.device_nodes[0].name, "nvidia" + std::to_string(gpu.minor));
  }
}

INSTANTIATE_TEST_SUITE_P(ShippedProfiles, InventoryBuilderTest,
                         ::testing::ValuesIn(mock::ShippedMachineProfileNames()),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(InventoryNumaTest, NvmlAnswersWhenSysfsHasNoEntry) {
  ASSERT_EQ(setenv("GPULET_MOCK_MACHINE", "dgx-h100", 1), 0);
  ASSERT_OK_AND_ASSIGN(mock::MachineProfile profile,
                       mock::LoadMachineProfile("dgx-h100"));
  FixtureTree tree;  // no /sys entries at all
  tree.AddControlNodes("/");
  ASSERT_OK_AND_ASSIGN(hostfs::HostView view, hostfs::HostView::AtPrefix(tree.prefix()));
  ASSERT_OK_AND_ASSIGN(hostfs::HostFs host,
                       hostfs::HostFs::Open(view, hostfs::DriverRoots::Standard()));
  ASSERT_OK_AND_ASSIGN(auto library, nvml::NvmlLibrary::Open(GPULET_MOCK_NVML_PATH));
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const Inventory> inventory,
                       BuildInventory(library, host));
  ASSERT_EQ(inventory->gpus.size(), profile.gpus.size());
  for (size_t i = 0; i < profile.gpus.size(); ++i) {
    ASSERT_TRUE(profile.gpus[i].numa_node.has_value());
    EXPECT_EQ(inventory->gpus[i].numa_node, static_cast<int>(*profile.gpus[i].numa_node));
  }
  EXPECT_EQ(inventory->NumaNodes(), (std::vector<int>{0, 1}));
}

TEST(InventoryNumaTest, SysfsWinsOverNvml) {
  ASSERT_EQ(setenv("GPULET_MOCK_MACHINE", "dgx-h100", 1), 0);
  ASSERT_OK_AND_ASSIGN(mock::MachineProfile profile,
                       mock::LoadMachineProfile("dgx-h100"));
  FixtureTree tree;
  for (const mock::GpuProfile& gpu : profile.gpus) {
    tree.AddGpu("/", static_cast<int>(gpu.minor), SysfsId(gpu.pci.bus_id), -1);
  }
  ASSERT_OK_AND_ASSIGN(hostfs::HostView view, hostfs::HostView::AtPrefix(tree.prefix()));
  ASSERT_OK_AND_ASSIGN(hostfs::HostFs host,
                       hostfs::HostFs::Open(view, hostfs::DriverRoots::Standard()));
  ASSERT_OK_AND_ASSIGN(auto library, nvml::NvmlLibrary::Open(GPULET_MOCK_NVML_PATH));
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const Inventory> inventory,
                       BuildInventory(library, host));
  for (const Gpu& gpu : inventory->gpus) {
    EXPECT_EQ(gpu.numa_node, std::nullopt) << "sysfs says -1: no NUMA affinity";
  }
}

}  // namespace
}  // namespace gpulet::inventory

namespace gpulet::inventory {
namespace {

TEST(InventoryLostGpuTest, ALostGpuKeepsItsPlaceWithTheCause) {
  std::string control = ::testing::TempDir() + "gpulet-inventory-control";
  std::remove(control.c_str());
  ASSERT_EQ(setenv("GPULET_MOCK_CONTROL", control.c_str(), 1), 0);
  ASSERT_EQ(setenv("GPULET_MOCK_MACHINE", "hetero", 1), 0);
  ASSERT_OK_AND_ASSIGN(mock::MachineProfile profile, mock::LoadMachineProfile("hetero"));
  FixtureTree tree;
  ASSERT_OK_AND_ASSIGN(hostfs::HostView view, hostfs::HostView::AtPrefix(tree.prefix()));
  ASSERT_OK_AND_ASSIGN(hostfs::HostFs host,
                       hostfs::HostFs::Open(view, hostfs::DriverRoots::Standard()));
  ASSERT_OK_AND_ASSIGN(auto library, nvml::NvmlLibrary::Open(GPULET_MOCK_NVML_PATH));
  std::ofstream(control, std::ios::app) << "lost 2\n";

  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const Inventory> inventory,
                       BuildInventory(library, host));
  ASSERT_EQ(inventory->gpus.size(), profile.gpus.size());
  for (const Gpu& gpu : inventory->gpus) {
    if (gpu.index == 2) {
      EXPECT_THAT(gpu.problem, HasSubstr("on GPU 2"));
      EXPECT_THAT(gpu.problem, HasSubstr("NVML_ERROR_GPU_IS_LOST"));
    } else {
      EXPECT_EQ(gpu.problem, "");
      EXPECT_EQ(gpu.uuid, profile.gpus[gpu.index].uuid);
    }
  }
  // The mock's driver state outlives the library handle, as a real
  // driver's does: bring the GPU back for the tests that follow.
  std::ofstream(control, std::ios::app) << "restore 2\n";
  EXPECT_OK(library->DeviceCount());
  std::remove(control.c_str());
}

}  // namespace
}  // namespace gpulet::inventory

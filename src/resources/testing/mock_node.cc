#include "resources/testing/mock_node.h"

#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"
#include "base/status_macros.h"
#include "hostfs/pci_bus_id.h"
#include "inventory/inventory_builder.h"
#include "mock/nvml/machine_profile.h"

namespace gpulet::testing {
namespace {

// The host side of `profile`: control nodes, one /dev/nvidia<minor> per
// GPU with its procfs and sysfs entries, and two capability nodes (GI and
// CI access) per MIG device, listed in mig-minors.
absl::Status BuildHost(const mock::MachineProfile& profile,
                       hostfs::testing::FixtureTree& tree) {
  tree.AddControlNodes("/");
  std::string mig_minors = "config 1\nmonitor 2\n";
  int next_cap = 10;
  for (const mock::GpuProfile& gpu : profile.gpus) {
    ASSIGN_OR_RETURN(hostfs::PciBusId bus, hostfs::PciBusId::Parse(gpu.pci.bus_id));
    tree.AddGpu("/", static_cast<int>(gpu.minor), bus.ToSysfsString(),
                gpu.numa_node.has_value() ? static_cast<int>(*gpu.numa_node) : -1);
    for (const mock::MigDeviceProfile& mig : gpu.mig.devices) {
      std::string gi = absl::StrCat("gpu", gpu.minor, "/gi", mig.gpu_instance_id);
      absl::StrAppend(&mig_minors, gi, "/access ", next_cap, "\n");
      tree.AddDeviceNode(absl::StrCat("/dev/nvidia-caps/nvidia-cap", next_cap++));
      absl::StrAppend(&mig_minors, gi, "/ci", mig.compute_instance_id, "/access ",
                      next_cap, "\n");
      tree.AddDeviceNode(absl::StrCat("/dev/nvidia-caps/nvidia-cap", next_cap++));
    }
  }
  tree.AddFile("/proc/driver/nvidia-caps/mig-minors", mig_minors);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<MockNode>> MockNode::Open(std::string_view profile) {
  std::unique_ptr<MockNode> node(new MockNode());
  node->control_path_ = node->tree_.PathOf("/mock-control");
  std::string name(profile);
  if (setenv("GPULET_MOCK_MACHINE", name.c_str(), 1) != 0 ||
      setenv("GPULET_MOCK_CONTROL", node->control_path_.c_str(), 1) != 0) {
    return absl::InternalError("setenv failed");
  }
  ASSIGN_OR_RETURN(mock::MachineProfile machine, mock::LoadMachineProfile(name));
  RETURN_IF_ERROR(BuildHost(machine, node->tree_));
  ASSIGN_OR_RETURN(hostfs::HostView view,
                   hostfs::HostView::AtPrefix(node->tree_.prefix()));
  ASSIGN_OR_RETURN(hostfs::HostFs host,
                   hostfs::HostFs::Open(view, hostfs::DriverRoots::Standard()));
  ASSIGN_OR_RETURN(node->nvml_, nvml::NvmlLibrary::Open(GPULET_MOCK_NVML_PATH));
  ASSIGN_OR_RETURN(node->inventory_, inventory::BuildInventory(node->nvml_, host));
  return node;
}

void MockNode::Control(std::string_view line) const {
  std::ofstream(control_path_, std::ios::app) << line << "\n";
}

}  // namespace gpulet::testing

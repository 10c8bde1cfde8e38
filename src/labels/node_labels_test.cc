#include "labels/node_labels.h"

#include <string>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostfs/testing/fixture_tree.h"
#include "labels/label_syntax.h"

namespace gpulet::labels {
namespace {

using ::gpulet::hostfs::testing::FixtureTree;
using ::testing::Contains;
using ::testing::Key;
using ::testing::Not;
using ::testing::Pair;

inventory::Gpu GpuAt(const std::string& bus_id, bool mig_enabled = false) {
  inventory::Gpu gpu;
  gpu.pci_bus_id = bus_id;
  gpu.mig_enabled = mig_enabled;
  return gpu;
}

TEST(VersionLabelsTest, TwoPartDriverVersionHasEmptyRevision) {
  inventory::Inventory node;
  node.driver_version = "470.57";
  node.cuda_driver_version = 11040;
  LabelMap labels = VersionLabels(node);
  EXPECT_THAT(labels, Contains(Pair("nvidia.com/cuda.driver.rev", "")));
  EXPECT_THAT(labels, Contains(Pair("nvidia.com/cuda.driver-version.full", "470.57")));
  EXPECT_THAT(labels, Contains(Pair("nvidia.com/cuda.runtime-version.full", "11.4")));
}

TEST(VersionLabelsTest, OddVersionsGiveNoInvalidLabels) {
  for (const char* version : {"unknown.unknown.unknown.x", "550", "55 0.1", ""}) {
    inventory::Inventory node;
    node.driver_version = version;
    LabelMap labels = VersionLabels(node);
    EXPECT_THAT(labels, Not(Contains(Key("nvidia.com/cuda.driver.major")))) << version;
    EXPECT_THAT(labels, Not(Contains(Key("nvidia.com/cuda.runtime.major")))) << version;
    for (const auto& [key, value] : labels) EXPECT_TRUE(IsValidLabelValue(value)) << value;
  }
}

TEST(MpsCapableLabelsTest, OnlyWithMpsAndNoMigEnabledGpu) {
  Sharing mps;
  mps.mps.resources.push_back({"nvidia.com/gpu", "", {}, 2});
  inventory::Inventory whole;
  whole.gpus = {GpuAt("00000000:01:00.0")};
  EXPECT_THAT(MpsCapableLabels(whole, {}), Contains(Pair("nvidia.com/mps.capable", "false")));
  EXPECT_THAT(MpsCapableLabels(whole, mps), Contains(Pair("nvidia.com/mps.capable", "true")));
  inventory::Inventory mig;
  mig.gpus = {GpuAt("00000000:01:00.0", true)};
  EXPECT_THAT(MpsCapableLabels(mig, mps), Contains(Pair("nvidia.com/mps.capable", "false")));
}

TEST(GpuModeLabelsTest, FromPciClass) {
  FixtureTree tree;
  tree.AddFile("/sys/bus/pci/devices/0000:01:00.0/class", "0x030000\n");
  tree.AddFile("/sys/bus/pci/devices/0000:02:00.0/class", "0x030200\n");
  tree.AddFile("/sys/bus/pci/devices/0000:03:00.0/class", "0x030200\n");
  ASSERT_OK_AND_ASSIGN(hostfs::HostView view, hostfs::HostView::AtPrefix(tree.prefix()));
  inventory::Inventory graphics, compute, mixed, unreadable;
  graphics.gpus = {GpuAt("00000000:01:00.0")};
  compute.gpus = {GpuAt("00000000:02:00.0"), GpuAt("00000000:03:00.0")};
  mixed.gpus = {GpuAt("00000000:02:00.0"), GpuAt("00000000:01:00.0")};
  unreadable.gpus = {GpuAt("00000000:09:00.0")};
  EXPECT_THAT(GpuModeLabels(graphics, view), Contains(Pair("nvidia.com/gpu.mode", "graphics")));
  EXPECT_THAT(GpuModeLabels(compute, view), Contains(Pair("nvidia.com/gpu.mode", "compute")));
  EXPECT_THAT(GpuModeLabels(mixed, view), Contains(Pair("nvidia.com/gpu.mode", "unknown")));
  EXPECT_THAT(GpuModeLabels(unreadable, view),
              Contains(Pair("nvidia.com/gpu.mode", "unknown")));
}

TEST(MachineTypeLabelsTest, SanitizedFirstLineOrUnknown) {
  FixtureTree tree;
  tree.AddFile("/sys/class/dmi/id/product_name", "PowerEdge XE9680 (Rev. A)\nsecond\n");
  tree.AddFile("/odd", std::string(200, 'Z') + "\n");
  tree.AddFile("/empty", "\n");
  ASSERT_OK_AND_ASSIGN(hostfs::HostView view, hostfs::HostView::AtPrefix(tree.prefix()));
  EXPECT_THAT(MachineTypeLabels(view, "/sys/class/dmi/id/product_name"),
              Contains(Pair("nvidia.com/gpu.machine", "PowerEdge-XE9680-Rev.-A")));
  EXPECT_THAT(MachineTypeLabels(view, "/missing"),
              Contains(Pair("nvidia.com/gpu.machine", "unknown")));
  EXPECT_THAT(MachineTypeLabels(view, "/empty"),
              Contains(Pair("nvidia.com/gpu.machine", "unknown")));
  std::string odd = MachineTypeLabels(view, "/odd").at("nvidia.com/gpu.machine");
  EXPECT_TRUE(IsValidLabelValue(odd)) << odd;
}

}  // namespace
}  // namespace gpulet::labels

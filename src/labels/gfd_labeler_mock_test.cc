// GFD labels for every shipped mock machine, MIG strategy and sharing mode,
// against the label sets NVIDIA's GFD produces for such nodes (its e2e
// expectations, reference device-plugin.md §11.4 and §14), built from the
// mock libnvidia-ml.so.1 through the real inventory code.
#include <stdlib.h>

#include <map>
#include <memory>
#include <string>

#include "base/status_matchers.h"
#include "config/config.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostfs/host_fs.h"
#include "hostfs/pci_bus_id.h"
#include "hostfs/testing/fixture_tree.h"
#include "inventory/inventory_builder.h"
#include "labels/gfd_labeler.h"
#include "labels/label_file.h"
#include "labels/testing/expected_labels.h"
#include "mock/nvml/machine_profile.h"
#include "nvml/nvml_library.h"

namespace gpulet::labels {
namespace {

using ::gpulet::hostfs::testing::FixtureTree;

struct Node {
  FixtureTree tree;
  std::shared_ptr<const inventory::Inventory> inventory;
  hostfs::HostView view;
};

// A host tree with the sysfs entries of `machine`'s GPUs (3D controllers)
// and a DMI product name, and the inventory the mock NVML reports for it.
void LoadNode(const std::string& machine, Node& node) {
  ASSERT_EQ(setenv("GPULET_MOCK_MACHINE", machine.c_str(), 1), 0);
  ASSERT_OK_AND_ASSIGN(mock::MachineProfile profile, mock::LoadMachineProfile(machine));
  node.tree.AddControlNodes("/");
  for (const mock::GpuProfile& gpu : profile.gpus) {
    ASSERT_OK_AND_ASSIGN(hostfs::PciBusId id, hostfs::PciBusId::Parse(gpu.pci.bus_id));
    node.tree.AddGpu("/", static_cast<int>(gpu.minor), id.ToSysfsString(), -1);
    node.tree.AddFile("/sys/bus/pci/devices/" + id.ToSysfsString() + "/class",
                      "0x030200\n");
  }
  node.tree.AddFile("/sys/class/dmi/id/product_name", "DGX H100\n");
  ASSERT_OK_AND_ASSIGN(node.view, hostfs::HostView::AtPrefix(node.tree.prefix()));
  ASSERT_OK_AND_ASSIGN(hostfs::HostFs host,
                       hostfs::HostFs::Open(node.view, hostfs::DriverRoots::Standard()));
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const nvml::NvmlLibrary> library,
                       nvml::NvmlLibrary::Open(GPULET_MOCK_NVML_PATH));
  ASSERT_OK_AND_ASSIGN(node.inventory, inventory::BuildInventory(library, host));
}

std::shared_ptr<const Config> MakeConfig(MigStrategy strategy, const std::string& sharing) {
  std::string yaml = "flags: {migStrategy: " + std::string(ToString(strategy)) + "}\n";
  if (sharing == "time-slicing") {
    yaml += "sharing: {timeSlicing: {resources: [{name: nvidia.com/gpu, replicas: 4}, "
            "{name: nvidia.com/mig-1g.5gb, replicas: 2}]}}\n";
  } else if (sharing == "time-slicing-renamed") {
    yaml += "sharing: {timeSlicing: {renameByDefault: true, resources: "
            "[{name: nvidia.com/gpu, replicas: 4}]}}\n";
  } else if (sharing == "mps") {
    yaml += "sharing: {mps: {resources: [{name: nvidia.com/gpu, replicas: 2}]}}\n";
  }
  absl::StatusOr<ConfigFile> file = ParseConfigFile(yaml, "test.yaml");
  EXPECT_OK(file);
  absl::StatusOr<Config> config = ResolveConfig({}, Environment::FromMap({}), &*file,
                                                ConfigUser::kFeatureDiscovery);
  EXPECT_OK(config);
  return std::make_shared<const Config>(*config);
}

using Case = std::tuple<std::string, MigStrategy, std::string>;

class GfdLabelerMockTest : public ::testing::TestWithParam<Case> {};

// Every profile × MIG strategy × sharing mode, less MPS with the mixed
// strategy, which the config rejects (config_test checks that rejection).
std::vector<Case> ValidCases() {
  std::vector<Case> cases;
  for (const char* machine : {"dgx-h100", "dgx-a100-mig", "t4", "hetero", "gb200-nvl"}) {
    for (MigStrategy strategy :
         {MigStrategy::kNone, MigStrategy::kSingle, MigStrategy::kMixed}) {
      for (const char* sharing : {"none", "time-slicing", "time-slicing-renamed", "mps"}) {
        if (strategy == MigStrategy::kMixed && std::string(sharing) == "mps") continue;
        cases.emplace_back(machine, strategy, sharing);
      }
    }
  }
  return cases;
}

TEST_P(GfdLabelerMockTest, MatchesExpectedLabelsAndNfdRules) {
  const auto& [machine, strategy, sharing] = GetParam();
  Node node;
  ASSERT_NO_FATAL_FAILURE(LoadNode(machine, node));
  auto labeler = NewGfdLabeler({node.inventory, MakeConfig(strategy, sharing), node.view,
                                std::chrono::system_clock::from_time_t(1724632719)});
  ASSERT_OK_AND_ASSIGN(LabelMap labels, labeler->Labels());
  LabelMap want = testing::ExpectedLabels(machine, strategy, sharing);
  EXPECT_EQ(labels, want) << testing::DiffLabels(want, labels);
  // Every line is one nfd-worker accepts.
  ASSERT_OK_AND_ASSIGN(LabelFileContents parsed, ParseLabelFile(RenderLabelFile(labels, {})));
  EXPECT_EQ(parsed.labels, labels);
}

INSTANTIATE_TEST_SUITE_P(
    AllProfiles, GfdLabelerMockTest,
    ::testing::ValuesIn(ValidCases()),
    [](const ::testing::TestParamInfo<Case>& info) {
      std::string name = std::get<0>(info.param) + "_" +
                         std::string(ToString(std::get<1>(info.param))) + "_" +
                         std::get<2>(info.param);
      for (char& c : name) {
        if (c == '-') c = '_';
      }
      return name;
    });

}  // namespace
}  // namespace gpulet::labels

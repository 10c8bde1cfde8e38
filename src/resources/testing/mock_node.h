// MockNode: a node made of the mock NVML library running one shipped
// machine profile and a fixture host tree that matches it (device nodes,
// procfs, sysfs, mig-minors), with the Inventory built from both — the
// same path production takes, for tests of resources, allocation and
// health.
//
// Test-only. Selects the profile through GPULET_MOCK_MACHINE and points
// GPULET_MOCK_CONTROL at a fresh file in the tree, so only one MockNode
// may exist at a time in a process. Not thread-safe except Control().
#ifndef GPULET_RESOURCES_TESTING_MOCK_NODE_H_
#define GPULET_RESOURCES_TESTING_MOCK_NODE_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "hostfs/host_fs.h"
#include "hostfs/testing/fixture_tree.h"
#include "inventory/inventory.h"
#include "nvml/nvml_library.h"

namespace gpulet::testing {

class MockNode {
 public:
  // `profile`: "dgx-h100", "dgx-a100-mig", "t4", "hetero".
  static absl::StatusOr<std::unique_ptr<MockNode>> Open(std::string_view profile);

  const std::shared_ptr<const nvml::NvmlLibrary>& nvml() const { return nvml_; }
  const std::shared_ptr<const inventory::Inventory>& inventory() const {
    return inventory_;
  }
  const hostfs::testing::FixtureTree& tree() const { return tree_; }

  // Appends one fault-injection line ("xid 3 79", "lost 2", ...) to the
  // mock's control file; thread-safe.
  void Control(std::string_view line) const;

 private:
  MockNode() = default;

  hostfs::testing::FixtureTree tree_;
  std::string control_path_;
  std::shared_ptr<const nvml::NvmlLibrary> nvml_;
  std::shared_ptr<const inventory::Inventory> inventory_;
};

}  // namespace gpulet::testing

#endif  // GPULET_RESOURCES_TESTING_MOCK_NODE_H_

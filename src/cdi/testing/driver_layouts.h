// Fake nodes with a complete NVIDIA driver install, for the CDI tests and
// benchmark: libraries with their symlinks, utilities, firmware, sockets,
// config files, DRM nodes and MIG capability nodes, on top of the hostfs
// fixture layouts.
//
// Test-only; not thread-safe (FixtureTree is not).
#ifndef GPULET_CDI_TESTING_DRIVER_LAYOUTS_H_
#define GPULET_CDI_TESTING_DRIVER_LAYOUTS_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hostfs/driver_roots.h"
#include "hostfs/host_fs.h"
#include "hostfs/testing/fixture_tree.h"
#include "hostfs/testing/node_layouts.h"
#include "inventory/inventory.h"

namespace gpulet::cdi::testing {

enum class DriverLayout {
  kDebianMultiarch,  // /usr/lib/x86_64-linux-gnu, /lib -> usr/lib
  kRhelLib64,        // /usr/lib64, /lib64 -> usr/lib64
  kGpuOperator,      // everything under /run/nvidia/driver
  kGkeCos,           // /home/kubernetes/bin/nvidia, mounted at /usr/local/nvidia
  kDebianSplit,      // .../x86_64-linux-gnu and .../nvidia/current
  kSeparateDevRoot,  // driver in /opt/nvidia/driver, nodes in /run/nvidia/devroot/dev
};

// Every layout, and its name as used for golden files ("debian-multiarch").
std::vector<DriverLayout> AllDriverLayouts();
std::string DriverLayoutName(DriverLayout layout);

// `count` GPUs with minors 0..count-1 on distinct buses.
std::vector<hostfs::testing::FixtureGpu> FixtureGpus(int count);

// Builds `layout` with `gpus` into `tree` and returns the roots to
// generate with. When `mig_gpu` is >= 0, that GPU has MIG enabled with
// two 3g.40gb devices (mig-minors and nvidia-caps nodes included).
hostfs::DriverRoots BuildDriverLayout(hostfs::testing::FixtureTree& tree,
                                      DriverLayout layout,
                                      const std::vector<hostfs::testing::FixtureGpu>& gpus,
                                      int mig_gpu = -1);

// The inventory NVML would report for the same GPUs (and MIG devices).
inventory::Inventory FixtureInventory(
    const std::vector<hostfs::testing::FixtureGpu>& gpus, int mig_gpu = -1);

// A fixture node to generate for: its files, the HostFs over them and the
// matching inventory. Heap-allocated because `host` refers to `tree`.
struct FixtureNode {
  hostfs::testing::FixtureTree tree;
  std::optional<hostfs::HostFs> host;
  inventory::Inventory inventory;
};

// BuildDriverLayout + FixtureInventory for `gpus` GPUs (minors 0..gpus-1).
std::unique_ptr<FixtureNode> MakeFixtureNode(DriverLayout layout, int gpus, int mig_gpu = -1);

}  // namespace gpulet::cdi::testing

#endif  // GPULET_CDI_TESTING_DRIVER_LAYOUTS_H_

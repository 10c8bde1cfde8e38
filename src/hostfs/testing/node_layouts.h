// Whole fake nodes for the driver layouts gpulet supports, built on a
// FixtureTree: the standard host install, the NVIDIA GPU Operator and GKE
// Container-Optimized OS. Tests of hostfs, inventory and CDI start from one
// of these and then add or remove files to make the case they test.
//
// Test-only; not thread-safe (FixtureTree is not).
#ifndef GPULET_HOSTFS_TESTING_NODE_LAYOUTS_H_
#define GPULET_HOSTFS_TESTING_NODE_LAYOUTS_H_

#include <string>
#include <vector>

#include "hostfs/testing/fixture_tree.h"

namespace gpulet::hostfs::testing {

struct FixtureGpu {
  int minor;                 // /dev/nvidia<minor>
  std::string sysfs_bus_id;  // "0000:17:00.0"
  int numa_node;             // -1 for none
};

// The driver version every layout installs.
inline constexpr char kFixtureDriverVersion[] = "570.86.15";

// Two GPUs on different NUMA nodes: minors 0 and 1.
std::vector<FixtureGpu> TwoFixtureGpus();

// Driver installed on the host (Debian/Ubuntu multiarch): libraries in
// /usr/lib/x86_64-linux-gnu with /lib → usr/lib, nodes in /dev (a devtmpfs
// mount), procfs and sysfs entries for `gpus`.
void BuildStandardLayout(FixtureTree& tree, const std::vector<FixtureGpu>& gpus);

// GPU Operator: the driver container's root at /run/nvidia/driver
// (libraries in usr/lib/x86_64-linux-gnu), its nodes only under
// /run/nvidia/driver/dev (a tmpfs mount); the host's /dev has none of them,
// not even nvidiactl.
void BuildGpuOperatorLayout(FixtureTree& tree,
                            const std::vector<FixtureGpu>& gpus);

// GKE COS: driver files in /home/kubernetes/bin/nvidia (libraries in lib64,
// binaries in bin), nodes in the host's /dev.
void BuildGkeCosLayout(FixtureTree& tree, const std::vector<FixtureGpu>& gpus);

}  // namespace gpulet::hostfs::testing

#endif  // GPULET_HOSTFS_TESTING_NODE_LAYOUTS_H_

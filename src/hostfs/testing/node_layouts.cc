#include "hostfs/testing/node_layouts.h"

#include "absl/strings/str_cat.h"

namespace gpulet::hostfs::testing {
namespace {

void AddGpus(FixtureTree& tree, std::string_view dev_root,
             const std::vector<FixtureGpu>& gpus) {
  for (const FixtureGpu& gpu : gpus) {
    tree.AddGpu(dev_root, gpu.minor, gpu.sysfs_bus_id, gpu.numa_node);
  }
}

}  // namespace

std::vector<FixtureGpu> TwoFixtureGpus() {
  return {{0, "0000:17:00.0", 0}, {1, "0000:b1:00.0", 1}};
}

void BuildStandardLayout(FixtureTree& tree, const std::vector<FixtureGpu>& gpus) {
  tree.AddTmpfsMount("/dev");
  tree.AddSymlink("/lib", "usr/lib");
  tree.AddNvmlLibrary("/", "usr/lib/x86_64-linux-gnu", kFixtureDriverVersion);
  tree.AddFile("/usr/bin/nvidia-smi", "#!/bin/true\n");
  tree.AddControlNodes("/");
  AddGpus(tree, "/", gpus);
}

void BuildGpuOperatorLayout(FixtureTree& tree,
                            const std::vector<FixtureGpu>& gpus) {
  constexpr char kRoot[] = "/run/nvidia/driver";
  tree.AddTmpfsMount("/dev");
  tree.AddTmpfsMount(absl::StrCat(kRoot, "/dev"));
  tree.AddNvmlLibrary(kRoot, "usr/lib/x86_64-linux-gnu", kFixtureDriverVersion);
  tree.AddFile(absl::StrCat(kRoot, "/usr/bin/nvidia-smi"), "#!/bin/true\n");
  tree.AddControlNodes(kRoot);
  AddGpus(tree, kRoot, gpus);
}

void BuildGkeCosLayout(FixtureTree& tree, const std::vector<FixtureGpu>& gpus) {
  constexpr char kRoot[] = "/home/kubernetes/bin/nvidia";
  tree.AddTmpfsMount("/dev");
  tree.AddNvmlLibrary(kRoot, "lib64", kFixtureDriverVersion);
  tree.AddFile(absl::StrCat(kRoot, "/bin/nvidia-smi"), "#!/bin/true\n");
  tree.AddControlNodes("/");
  AddGpus(tree, "/", gpus);
}

}  // namespace gpulet::hostfs::testing

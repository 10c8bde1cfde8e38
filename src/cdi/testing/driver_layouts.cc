#include "cdi/testing/driver_layouts.h"

#include <cstdio>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "hostfs/path.h"

namespace gpulet::cdi::testing {
namespace {

using hostfs::JoinPath;
using hostfs::testing::FixtureGpu;
using hostfs::testing::FixtureTree;
using hostfs::testing::kFixtureDriverVersion;

const std::string kVersion = kFixtureDriverVersion;

void AddExecutable(FixtureTree& tree, const std::string& path) {
  tree.AddFile(path, "#!/bin/true\n");
  std::filesystem::permissions(tree.PathOf(path), std::filesystem::perms(0755));
}

// A versioned library with its SONAME link and, when `dev_link`, the
// unversioned development link.
void AddLibrary(FixtureTree& tree, const std::string& dir, const std::string& name,
                const std::string& soname_suffix, bool dev_link = false) {
  std::string file = absl::StrCat(name, ".so.", kVersion);
  tree.AddFile(JoinPath(dir, file), "\x7f" "ELF fixture");
  if (!soname_suffix.empty()) {
    tree.AddSymlink(JoinPath(dir, absl::StrCat(name, ".so.", soname_suffix)), file);
    if (dev_link) {
      tree.AddSymlink(JoinPath(dir, name + ".so"), absl::StrCat(name, ".so.", soname_suffix));
    }
  }
}

// The compute and graphics libraries, split over `compute_dir` and
// `graphics_dir` (the same dir on most distributions).
void AddLibraries(FixtureTree& tree, const std::string& compute_dir,
                  const std::string& graphics_dir) {
  AddLibrary(tree, compute_dir, "libcuda", "1", /*dev_link=*/true);
  tree.AddFile(JoinPath(compute_dir, "libnvidia-ml.so." + kVersion), "\x7f" "ELF fixture");
  tree.AddSymlink(JoinPath(compute_dir, "libnvidia-ml.so.1"), "libnvidia-ml.so." + kVersion);
  AddLibrary(tree, compute_dir, "libnvidia-ptxjitcompiler", "1");
  AddLibrary(tree, compute_dir, "libnvidia-nvvm", "4");
  AddLibrary(tree, compute_dir, "libnvidia-opticalflow", "1");
  AddLibrary(tree, graphics_dir, "libGLX_nvidia", "0");
  AddLibrary(tree, graphics_dir, "libEGL_nvidia", "0");
  AddLibrary(tree, graphics_dir, "libnvidia-glcore", "");
  AddLibrary(tree, graphics_dir, "libnvidia-eglcore", "");
  AddLibrary(tree, graphics_dir, "libnvidia-allocator", "1");
  AddLibrary(tree, JoinPath(graphics_dir, "vdpau"), "libvdpau_nvidia", "1");
  tree.AddFile(JoinPath(graphics_dir, "libnvidia-egl-wayland.so.1.1.13"), "\x7f" "ELF");
  tree.AddSymlink(JoinPath(graphics_dir, "libnvidia-egl-wayland.so.1"),
                  "libnvidia-egl-wayland.so.1.1.13");
  // Not the driver's: must not be mounted.
  tree.AddFile(JoinPath(compute_dir, "libz.so.1.2.13"), "\x7f" "ELF");
}

void AddDriverFiles(FixtureTree& tree, const std::string& root, const std::string& bin,
                    const std::string& etc_vulkan) {
  AddExecutable(tree, JoinPath(root, bin + "/nvidia-smi"));
  AddExecutable(tree, JoinPath(root, bin + "/nvidia-cuda-mps-control"));
  tree.AddFile(JoinPath(root, "/lib/firmware/nvidia/" + kVersion + "/gsp_ga10x.bin"), "gsp");
  tree.AddFile(JoinPath(root, "/lib/firmware/nvidia/" + kVersion + "/gsp_tu10x.bin"), "gsp");
  tree.AddFile(JoinPath(root, "/run/nvidia-persistenced/socket"), "");
  tree.AddFile(JoinPath(root, "/usr/share/glvnd/egl_vendor.d/10_nvidia.json"), "{}");
  tree.AddFile(JoinPath(root, "/etc/OpenCL/vendors/nvidia.icd"), "libnvidia-opencl.so.1");
  tree.AddFile(JoinPath(root, etc_vulkan + "/icd.d/nvidia_icd.json"), "{}");
}

// card<minor> and renderD<128+minor> with their sysfs entries and by-path links.
void AddDrm(FixtureTree& tree, const std::string& dev_root, const FixtureGpu& gpu) {
  std::string dri = JoinPath(dev_root, "/dev/dri");
  for (std::string name : {absl::StrCat("card", gpu.minor + 1),
                           absl::StrCat("renderD", 128 + gpu.minor)}) {
    tree.AddDeviceNode(JoinPath(dri, name));
    tree.AddFile(absl::StrCat("/sys/bus/pci/devices/", gpu.sysfs_bus_id, "/drm/", name, "/dev"),
                 "226:0\n");
    std::string kind = name.rfind("card", 0) == 0 ? "card" : "render";
    tree.AddSymlink(JoinPath(dri, absl::StrCat("by-path/pci-", gpu.sysfs_bus_id, "-", kind)),
                    "../" + name);
  }
}

void AddMig(FixtureTree& tree, const std::string& dev_root, const FixtureGpu& gpu) {
  std::string minors = "config 1\nmonitor 2\n";
  int cap = 10 + gpu.minor * 100;
  for (int gi : {1, 2}) {
    absl::StrAppend(&minors, "gpu", gpu.minor, "/gi", gi, "/access ", cap, "\n");
    tree.AddDeviceNode(JoinPath(dev_root, absl::StrCat("/dev/nvidia-caps/nvidia-cap", cap++)));
    absl::StrAppend(&minors, "gpu", gpu.minor, "/gi", gi, "/ci0/access ", cap, "\n");
    tree.AddDeviceNode(JoinPath(dev_root, absl::StrCat("/dev/nvidia-caps/nvidia-cap", cap++)));
  }
  tree.AddFile("/proc/driver/nvidia-caps/mig-minors", minors);
}

hostfs::DriverRoots Roots(std::string_view driver_root, std::string_view dev_root) {
  return *hostfs::DriverRoots::Create(driver_root, dev_root);
}

hostfs::DriverRoots BuildFiles(FixtureTree& tree, DriverLayout layout,
                               const std::vector<FixtureGpu>& gpus) {
  using namespace hostfs::testing;
  switch (layout) {
    case DriverLayout::kDebianMultiarch:
      BuildStandardLayout(tree, gpus);
      AddLibraries(tree, "/usr/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu");
      AddDriverFiles(tree, "/", "/usr/bin", "/usr/share/vulkan");
      return hostfs::DriverRoots::Standard();
    case DriverLayout::kRhelLib64:
      tree.AddTmpfsMount("/dev");
      tree.AddSymlink("/lib64", "usr/lib64");
      tree.AddControlNodes("/");
      for (const FixtureGpu& gpu : gpus) tree.AddGpu("/", gpu.minor, gpu.sysfs_bus_id, gpu.numa_node);
      AddLibraries(tree, "/usr/lib64", "/usr/lib64");
      AddDriverFiles(tree, "/", "/usr/bin", "/etc/vulkan");
      tree.AddFile("/etc/vulkan/icd.d/nvidia_icd.x86_64.json", "{}");
      return hostfs::DriverRoots::Standard();
    case DriverLayout::kGpuOperator:
      BuildGpuOperatorLayout(tree, gpus);
      AddLibraries(tree, "/run/nvidia/driver/usr/lib/x86_64-linux-gnu",
                   "/run/nvidia/driver/usr/lib/x86_64-linux-gnu");
      AddDriverFiles(tree, "/run/nvidia/driver", "/usr/bin", "/etc/vulkan");
      return hostfs::DriverRoots::GpuOperator();
    case DriverLayout::kGkeCos:
      BuildGkeCosLayout(tree, gpus);
      AddLibraries(tree, "/home/kubernetes/bin/nvidia/lib64", "/home/kubernetes/bin/nvidia/lib64");
      AddDriverFiles(tree, "/home/kubernetes/bin/nvidia", "/bin", "/vulkan");
      return hostfs::DriverRoots::GkeCos();
    case DriverLayout::kDebianSplit:
      BuildStandardLayout(tree, gpus);
      AddLibraries(tree, "/usr/lib/x86_64-linux-gnu/nvidia/current", "/usr/lib/x86_64-linux-gnu");
      AddDriverFiles(tree, "/", "/usr/bin", "/usr/share/vulkan");
      return hostfs::DriverRoots::Standard();
    case DriverLayout::kSeparateDevRoot:
      tree.AddTmpfsMount("/dev");
      tree.AddTmpfsMount("/run/nvidia/devroot/dev");
      tree.AddControlNodes("/run/nvidia/devroot");
      for (const FixtureGpu& gpu : gpus) {
        tree.AddGpu("/run/nvidia/devroot", gpu.minor, gpu.sysfs_bus_id, gpu.numa_node);
      }
      AddLibraries(tree, "/opt/nvidia/driver/usr/lib64", "/opt/nvidia/driver/usr/lib64");
      AddDriverFiles(tree, "/opt/nvidia/driver", "/usr/bin", "/etc/vulkan");
      return Roots("/opt/nvidia/driver", "/run/nvidia/devroot");
  }
  return hostfs::DriverRoots::Standard();
}

}  // namespace

std::vector<DriverLayout> AllDriverLayouts() {
  return {DriverLayout::kDebianMultiarch, DriverLayout::kRhelLib64,
          DriverLayout::kGpuOperator,     DriverLayout::kGkeCos,
          DriverLayout::kDebianSplit,     DriverLayout::kSeparateDevRoot};
}

std::string DriverLayoutName(DriverLayout layout) {
  switch (layout) {
    case DriverLayout::kDebianMultiarch: return "debian-multiarch";
    case DriverLayout::kRhelLib64: return "rhel-lib64";
    case DriverLayout::kGpuOperator: return "gpu-operator";
    case DriverLayout::kGkeCos: return "gke-cos";
    case DriverLayout::kDebianSplit: return "debian-split";
    case DriverLayout::kSeparateDevRoot: return "separate-dev-root";
  }
  return "unknown";
}

std::vector<FixtureGpu> FixtureGpus(int count) {
  std::vector<FixtureGpu> gpus;
  for (int i = 0; i < count; ++i) {
    gpus.push_back({i, absl::StrFormat("0000:%02x:00.0", 0x17 + i * 0x10), i % 2});
  }
  return gpus;
}

hostfs::DriverRoots BuildDriverLayout(FixtureTree& tree, DriverLayout layout,
                                      const std::vector<FixtureGpu>& gpus, int mig_gpu) {
  hostfs::DriverRoots roots = BuildFiles(tree, layout, gpus);
  for (const FixtureGpu& gpu : gpus) {
    AddDrm(tree, roots.dev_root(), gpu);
    if (gpu.minor == mig_gpu) AddMig(tree, roots.dev_root(), gpu);
  }
  return roots;
}

inventory::Inventory FixtureInventory(const std::vector<FixtureGpu>& gpus, int mig_gpu) {
  inventory::Inventory inventory;
  inventory.driver_version = kVersion;
  for (const FixtureGpu& fixture : gpus) {
    inventory::Gpu gpu;
    gpu.index = static_cast<unsigned int>(fixture.minor);
    gpu.minor = static_cast<unsigned int>(fixture.minor);
    gpu.uuid = absl::StrFormat("GPU-4f6c2a8e-0000-4000-8000-%012d", fixture.minor);
    gpu.pci_bus_id = "0000" + fixture.sysfs_bus_id;
    if (fixture.minor == mig_gpu) {
      gpu.mig_capable = gpu.mig_enabled = true;
      for (unsigned int gi : {1u, 2u}) {
        inventory::MigDevice mig;
        mig.index = gi - 1;
        mig.uuid = absl::StrFormat("MIG-9b1e7d3c-0000-4000-8000-%06d%06d", fixture.minor, gi);
        mig.gpu_instance_id = gi;
        mig.compute_instance_id = 0;
        mig.profile = "3g.40gb";
        gpu.mig_devices.push_back(mig);
      }
    }
    inventory.gpus.push_back(std::move(gpu));
  }
  return inventory;
}

std::unique_ptr<FixtureNode> MakeFixtureNode(DriverLayout layout, int gpus, int mig_gpu) {
  auto node = std::make_unique<FixtureNode>();
  hostfs::DriverRoots roots = BuildDriverLayout(node->tree, layout, FixtureGpus(gpus), mig_gpu);
  node->host = *hostfs::HostFs::Open(*hostfs::HostView::AtPrefix(node->tree.prefix()), roots);
  node->inventory = FixtureInventory(FixtureGpus(gpus), mig_gpu);
  return node;
}

}  // namespace gpulet::cdi::testing

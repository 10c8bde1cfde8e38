#include "hostfs/host_fs.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostfs/testing/fixture_tree.h"
#include "hostfs/testing/node_layouts.h"

namespace gpulet::hostfs {
namespace {

using ::gpulet::hostfs::testing::BuildGkeCosLayout;
using ::gpulet::hostfs::testing::BuildGpuOperatorLayout;
using ::gpulet::hostfs::testing::BuildStandardLayout;
using ::gpulet::hostfs::testing::FixtureTree;
using ::gpulet::hostfs::testing::TwoFixtureGpus;
using ::gpulet::testing::IsOk;
using ::gpulet::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::Optional;

std::vector<std::string> HostPaths(const std::vector<DeviceNode>& nodes) {
  std::vector<std::string> paths;
  for (const DeviceNode& node : nodes) paths.push_back(node.host_path);
  return paths;
}

absl::StatusOr<HostFs> OpenTree(const FixtureTree& tree, DriverRoots roots) {
  absl::StatusOr<HostView> view = HostView::AtPrefix(tree.prefix());
  if (!view.ok()) return view.status();
  return HostFs::Open(*view, roots);
}

TEST(HostFsTest, StandardLayout) {
  FixtureTree tree;
  BuildStandardLayout(tree, TwoFixtureGpus());
  ASSERT_OK_AND_ASSIGN(HostFs host, OpenTree(tree, DriverRoots::Standard()));
  ASSERT_OK_AND_ASSIGN(bool loaded, host.NvidiaDriverLoaded());
  EXPECT_TRUE(loaded);
  EXPECT_THAT(HostPaths(host.device_nodes().FindControlNodes()),
              ElementsAre("/dev/nvidia-modeset", "/dev/nvidia-uvm-tools",
                          "/dev/nvidia-uvm", "/dev/nvidiactl"));
  ASSERT_OK_AND_ASSIGN(DeviceNode gpu1, host.device_nodes().FindGpu(1));
  EXPECT_EQ(gpu1.host_path, "/dev/nvidia1");
  EXPECT_EQ(gpu1.container_path, "/dev/nvidia1");
  ASSERT_OK_AND_ASSIGN(std::string nvml, host.FindNvmlLibrary());
  EXPECT_EQ(nvml, tree.PathOf("/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.570.86.15"));
  ASSERT_OK_AND_ASSIGN(PciBusId bus, PciBusId::Parse("00000000:B1:00.0"));
  ASSERT_OK_AND_ASSIGN(std::optional<int> numa, host.ReadNumaNode(bus));
  EXPECT_EQ(numa, std::optional<int>(1));
  EXPECT_THAT(host.ReadMigMinors(),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("/proc/driver/nvidia-caps/mig-minors")));
}

TEST(HostFsTest, GpuOperatorLayout) {
  FixtureTree tree;
  BuildGpuOperatorLayout(tree, TwoFixtureGpus());
  ASSERT_OK_AND_ASSIGN(HostFs host, OpenTree(tree, DriverRoots::GpuOperator()));
  ASSERT_OK_AND_ASSIGN(bool loaded, host.NvidiaDriverLoaded());
  EXPECT_TRUE(loaded);
  ASSERT_OK_AND_ASSIGN(DeviceNode ctl, host.device_nodes().Find("nvidiactl"));
  EXPECT_EQ(ctl.host_path, "/run/nvidia/driver/dev/nvidiactl");
  EXPECT_EQ(ctl.container_path, "/dev/nvidiactl");
  ASSERT_OK_AND_ASSIGN(DeviceNode gpu0, host.device_nodes().FindGpu(0));
  EXPECT_EQ(gpu0.host_path, "/run/nvidia/driver/dev/nvidia0");
  EXPECT_EQ(gpu0.container_path, "/dev/nvidia0");
  ASSERT_OK_AND_ASSIGN(std::string nvml, host.FindNvmlLibrary());
  EXPECT_EQ(nvml, tree.PathOf("/run/nvidia/driver/usr/lib/x86_64-linux-gnu/"
                              "libnvidia-ml.so.570.86.15"));
  ASSERT_OK_AND_ASSIGN(std::string container, host.roots().ToContainerPath(
                  "/run/nvidia/driver/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.570.86.15"));
  EXPECT_EQ(container, "/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.570.86.15");
}

TEST(HostFsTest, GpuOperatorDriverRootMountedAtDriverRootInAPod) {
  FixtureTree tree;
  BuildGpuOperatorLayout(tree, TwoFixtureGpus());
  ASSERT_OK_AND_ASSIGN(HostView view, HostView::AtPrefix(tree.prefix()));
  // The plugin pod sees the driver root at /driver-root; here that mount is
  // the same fixture dir seen at its own path.
  ASSERT_OK(view.Bind("/run/nvidia/driver", tree.PathOf("/run/nvidia/driver")));
  ASSERT_OK_AND_ASSIGN(HostFs host, HostFs::Open(view, DriverRoots::GpuOperator()));
  ASSERT_OK_AND_ASSIGN(DeviceNode gpu1, host.device_nodes().FindGpu(1));
  EXPECT_EQ(gpu1.host_path, "/run/nvidia/driver/dev/nvidia1");
}

TEST(HostFsTest, GkeCosLayout) {
  FixtureTree tree;
  BuildGkeCosLayout(tree, TwoFixtureGpus());
  ASSERT_OK_AND_ASSIGN(HostView view, HostView::AtPrefix(tree.prefix()));
  // GKE's plugin sees /home/kubernetes/bin/nvidia at /usr/local/nvidia.
  tree.AddSymlink("/agent/usr/local/nvidia", tree.PathOf("/home/kubernetes/bin/nvidia"));
  ASSERT_OK(view.Bind("/home/kubernetes/bin/nvidia", tree.PathOf("/agent/usr/local/nvidia")));
  ASSERT_OK_AND_ASSIGN(HostFs host, HostFs::Open(view, DriverRoots::GkeCos()));
  ASSERT_OK_AND_ASSIGN(bool loaded, host.NvidiaDriverLoaded());
  EXPECT_TRUE(loaded);
  ASSERT_OK_AND_ASSIGN(DeviceNode ctl, host.device_nodes().Find("nvidiactl"));
  EXPECT_EQ(ctl.host_path, "/dev/nvidiactl");
  ASSERT_OK_AND_ASSIGN(std::string nvml, host.FindNvmlLibrary());
  EXPECT_EQ(nvml, tree.PathOf("/agent/usr/local/nvidia/lib64/libnvidia-ml.so.570.86.15"));
  ASSERT_OK_AND_ASSIGN(std::string container, host.roots().ToContainerPath(
                  "/home/kubernetes/bin/nvidia/lib64/libnvidia-ml.so.570.86.15"));
  EXPECT_EQ(container, "/usr/local/nvidia/lib64/libnvidia-ml.so.570.86.15");
}

TEST(HostFsTest, DriverPresentButNvidiactlMissingFromHostDev) {
  FixtureTree tree;
  BuildGpuOperatorLayout(tree, TwoFixtureGpus());
  ASSERT_FALSE(HostView().Exists(tree.PathOf("/dev/nvidiactl")));
  // Configured as if the driver were on the host: only mountinfo can tell
  // where the nodes are.
  ASSERT_OK_AND_ASSIGN(HostFs host, OpenTree(tree, DriverRoots::Standard()));
  ASSERT_OK_AND_ASSIGN(bool loaded, host.NvidiaDriverLoaded());
  EXPECT_TRUE(loaded);
  EXPECT_THAT(host.device_nodes().dev_roots(), ElementsAre("/", "/run/nvidia/driver"));
  ASSERT_OK_AND_ASSIGN(DeviceNode ctl, host.device_nodes().Find("nvidiactl"));
  EXPECT_EQ(ctl.host_path, "/run/nvidia/driver/dev/nvidiactl");
  EXPECT_EQ(ctl.container_path, "/dev/nvidiactl");
  EXPECT_THAT(host.device_nodes().FindControlNodes(),
              ElementsAre(Field(&DeviceNode::name, "nvidia-modeset"),
                          Field(&DeviceNode::name, "nvidia-uvm-tools"),
                          Field(&DeviceNode::name, "nvidia-uvm"),
                          Field(&DeviceNode::name, "nvidiactl")));
}

TEST(HostFsTest, NoDriver) {
  FixtureTree tree;
  tree.AddDeviceNode("/dev/nvidiactl");  // a stale node is not a driver
  ASSERT_OK_AND_ASSIGN(HostFs host, OpenTree(tree, DriverRoots::Standard()));
  ASSERT_OK_AND_ASSIGN(bool without_proc_dir, host.NvidiaDriverLoaded());
  EXPECT_FALSE(without_proc_dir);
  tree.AddDirectory("/proc/driver/nvidia/gpus");
  ASSERT_OK_AND_ASSIGN(bool with_empty_dir, host.NvidiaDriverLoaded());
  EXPECT_FALSE(with_empty_dir);
  tree.AddDirectory("/proc/driver/nvidia/gpus/0000:17:00.0");
  ASSERT_OK_AND_ASSIGN(bool with_gpu, host.NvidiaDriverLoaded());
  EXPECT_TRUE(with_gpu);
}

TEST(HostFsTest, ReadNumaNode) {
  FixtureTree tree;
  tree.AddFile("/sys/bus/pci/devices/0000:17:00.0/numa_node", "-1\n");
  tree.AddFile("/sys/bus/pci/devices/0000:18:00.0/numa_node", "one\n");
  tree.AddFile("/sys/bus/pci/devices/0000:19:00.0/numa_node", "99999999999\n");
  ASSERT_OK_AND_ASSIGN(HostFs host, OpenTree(tree, DriverRoots::Standard()));
  ASSERT_OK_AND_ASSIGN(std::optional<int> none, host.ReadNumaNode(PciBusId(0, 0x17, 0, 0)));
  EXPECT_EQ(none, std::nullopt);
  EXPECT_THAT(host.ReadNumaNode(PciBusId(0, 0x18, 0, 0)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("0000:18:00.0/numa_node: \"one\"")));
  EXPECT_THAT(host.ReadNumaNode(PciBusId(0, 0x19, 0, 0)),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(host.ReadNumaNode(PciBusId(0, 0x20, 0, 0)),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("0000:20:00.0")));
}

TEST(HostFsTest, ReadMigMinorsAndFindCapNodes) {
  FixtureTree tree;
  BuildGpuOperatorLayout(tree, TwoFixtureGpus());
  tree.AddFile("/proc/driver/nvidia-caps/mig-minors",
               "config 1\nmonitor 2\ngpu0/gi1/access 12\ngpu0/gi1/ci0/access 13\n");
  tree.AddDeviceNode("/run/nvidia/driver/dev/nvidia-caps/nvidia-cap12");
  tree.AddDeviceNode("/run/nvidia/driver/dev/nvidia-caps/nvidia-cap13");
  ASSERT_OK_AND_ASSIGN(HostFs host, OpenTree(tree, DriverRoots::GpuOperator()));
  ASSERT_OK_AND_ASSIGN(MigMinors minors, host.ReadMigMinors());
  std::optional<int> ci = minors.Find({0, 1, 0});
  ASSERT_THAT(ci, Optional(13));
  ASSERT_OK_AND_ASSIGN(DeviceNode node, host.device_nodes().FindMigCap(*ci));
  EXPECT_EQ(node.host_path, "/run/nvidia/driver/dev/nvidia-caps/nvidia-cap13");
  EXPECT_EQ(node.container_path, "/dev/nvidia-caps/nvidia-cap13");

  tree.AddFile("/proc/driver/nvidia-caps/mig-minors", "config 1\ngpu0/gi1/acc");
  EXPECT_THAT(host.ReadMigMinors(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("/proc/driver/nvidia-caps/mig-minors: mig-minors line 2")));
}

}  // namespace
}  // namespace gpulet::hostfs

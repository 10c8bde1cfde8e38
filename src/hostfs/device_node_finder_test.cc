#include "hostfs/device_node_finder.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostfs/testing/fixture_tree.h"

namespace gpulet::hostfs {
namespace {

using ::gpulet::hostfs::testing::FixtureTree;
using ::gpulet::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

TEST(DeviceNodeFinderTest, SearchesRootsInOrder) {
  FixtureTree tree;
  tree.AddDeviceNode("/dev/nvidiactl");
  tree.AddDeviceNode("/other/dev/nvidiactl");
  tree.AddDeviceNode("/other/dev/nvidia-caps/nvidia-cap12");
  ASSERT_OK_AND_ASSIGN(HostView view, HostView::AtPrefix(tree.prefix()));
  DeviceNodeFinder finder(view, {"/", "/other"});
  ASSERT_OK_AND_ASSIGN(DeviceNode ctl, finder.Find("nvidiactl"));
  EXPECT_EQ(ctl.host_path, "/dev/nvidiactl");
  EXPECT_EQ(ctl.container_path, "/dev/nvidiactl");
  EXPECT_EQ(ctl.info.type, FileInfo::Type::kRegular);
  ASSERT_OK_AND_ASSIGN(DeviceNode cap, finder.FindMigCap(12));
  EXPECT_EQ(cap.name, "nvidia-caps/nvidia-cap12");
  EXPECT_EQ(cap.host_path, "/other/dev/nvidia-caps/nvidia-cap12");
  EXPECT_EQ(cap.container_path, "/dev/nvidia-caps/nvidia-cap12");
}

TEST(DeviceNodeFinderTest, NotFoundNamesTheNodeAndTheRoots) {
  FixtureTree tree;
  tree.AddDirectory("/dev/nvidia0");  // a directory is not a node
  ASSERT_OK_AND_ASSIGN(HostView view, HostView::AtPrefix(tree.prefix()));
  DeviceNodeFinder finder(view, {"/", "/run/nvidia/driver"});
  EXPECT_THAT(finder.FindGpu(0),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("\"nvidia0\" not found under the dev roots \"/\", "
                                 "\"/run/nvidia/driver\"")));
  EXPECT_THAT(finder.FindGpu(-1), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(finder.FindMigCap(-3), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(DeviceNodeFinderTest, RejectsNamesEscapingDev) {
  DeviceNodeFinder finder(HostView(), {"/"});
  for (const char* name : {"", "/nvidiactl", "../etc/passwd", "nvidia-caps/../x",
                           "nvidia-caps//x", "./nvidiactl", "nvidia-caps/"}) {
    EXPECT_THAT(finder.Find(name),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr(std::string("\"") + name + "\"")))
        << name;
  }
}

TEST(DeviceNodeFinderTest, ControlNodesSkipAbsentOnes) {
  FixtureTree tree;
  tree.AddDeviceNode("/dev/nvidiactl");
  tree.AddDeviceNode("/dev/nvidia-uvm");
  ASSERT_OK_AND_ASSIGN(HostView view, HostView::AtPrefix(tree.prefix()));
  DeviceNodeFinder finder(view, {"/"});
  EXPECT_THAT(finder.FindControlNodes(),
              ElementsAre(Field(&DeviceNode::name, "nvidia-uvm"),
                          Field(&DeviceNode::name, "nvidiactl")));
}

TEST(DeviceNodeFinderTest, CreateAddsDevMountsUnderTheDriverRootFirst) {
  FixtureTree tree;
  tree.AddTmpfsMount("/dev");
  tree.AddTmpfsMount("/var/lib/other/dev");
  tree.AddTmpfsMount("/run/nvidia/driver/dev");
  ASSERT_OK_AND_ASSIGN(HostView view, HostView::AtPrefix(tree.prefix()));
  ASSERT_OK_AND_ASSIGN(DriverRoots roots,
                       DriverRoots::Create("/run/nvidia/driver", "/"));
  ASSERT_OK_AND_ASSIGN(DeviceNodeFinder finder, DeviceNodeFinder::Create(view, roots));
  EXPECT_THAT(finder.dev_roots(),
              ElementsAre("/", "/run/nvidia/driver", "/var/lib/other"));
}

TEST(DeviceNodeFinderTest, CreateWithoutMountInfoUsesTheConfiguredRoots) {
  FixtureTree tree;
  ASSERT_OK_AND_ASSIGN(HostView view, HostView::AtPrefix(tree.prefix()));
  ASSERT_OK_AND_ASSIGN(DeviceNodeFinder finder,
                       DeviceNodeFinder::Create(view, DriverRoots::GkeCos()));
  EXPECT_THAT(finder.dev_roots(), ElementsAre("/", "/home/kubernetes/bin/nvidia"));
}

TEST(DeviceNodeFinderTest, CreateRejectsMalformedMountInfo) {
  FixtureTree tree;
  tree.AddFile("/proc/self/mountinfo", "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n2 1 0:5\n");
  ASSERT_OK_AND_ASSIGN(HostView view, HostView::AtPrefix(tree.prefix()));
  EXPECT_THAT(DeviceNodeFinder::Create(view, DriverRoots::Standard()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("/proc/self/mountinfo: mountinfo line 2")));
}

}  // namespace
}  // namespace gpulet::hostfs

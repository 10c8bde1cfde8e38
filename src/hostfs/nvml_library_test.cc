#include "hostfs/nvml_library.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostfs/testing/fixture_tree.h"

namespace gpulet::hostfs {
namespace {

using ::gpulet::hostfs::testing::FixtureTree;
using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

TEST(FindNvmlLibraryTest, HostInstallLetsDlopenSearch) {
  ASSERT_OK_AND_ASSIGN(std::string path,
                       FindNvmlLibrary(HostView(), DriverRoots::Standard()));
  EXPECT_EQ(path, "libnvidia-ml.so.1");
}

TEST(FindNvmlLibraryTest, HostRootSeenThroughAPrefixIsSearched) {
  FixtureTree tree;
  tree.AddNvmlLibrary("/", "usr/lib/aarch64-linux-gnu", "550.1");
  ASSERT_OK_AND_ASSIGN(HostView view, HostView::AtPrefix(tree.prefix()));
  ASSERT_OK_AND_ASSIGN(std::string path, FindNvmlLibrary(view, DriverRoots::Standard()));
  EXPECT_EQ(path, tree.PathOf("/usr/lib/aarch64-linux-gnu/libnvidia-ml.so.550.1"));
}

TEST(FindNvmlLibraryTest, FirstDirectoryInNvidiaOrderWins) {
  FixtureTree tree;
  tree.AddNvmlLibrary("/run/nvidia/driver", "lib64", "1");
  tree.AddNvmlLibrary("/run/nvidia/driver", "usr/lib64", "2");
  ASSERT_OK_AND_ASSIGN(HostView view, HostView::AtPrefix(tree.prefix()));
  ASSERT_OK_AND_ASSIGN(std::string path, FindNvmlLibrary(view, DriverRoots::GpuOperator()));
  EXPECT_EQ(path, tree.PathOf("/run/nvidia/driver/usr/lib64/libnvidia-ml.so.2"));
}

TEST(FindNvmlLibraryTest, AbsoluteSymlinkTargetIsAHostPath) {
  FixtureTree tree;
  // "/usr/lib64/..." in a link on the host is the host's file, which gpulet
  // sees under the prefix, never its own /usr/lib64.
  tree.AddFile("/usr/lib64/libnvidia-ml.so.3", "elf");
  tree.AddSymlink("/home/kubernetes/bin/nvidia/lib64/libnvidia-ml.so.1",
                  "/usr/lib64/libnvidia-ml.so.3");
  ASSERT_OK_AND_ASSIGN(HostView view, HostView::AtPrefix(tree.prefix()));
  ASSERT_OK_AND_ASSIGN(std::string path, FindNvmlLibrary(view, DriverRoots::GkeCos()));
  EXPECT_EQ(path, tree.PathOf("/usr/lib64/libnvidia-ml.so.3"));
}

TEST(FindNvmlLibraryTest, NotFoundListsTheDirectoriesTried) {
  FixtureTree tree;
  tree.AddSymlink("/run/nvidia/driver/usr/lib64/libnvidia-ml.so.1", "missing.so");
  tree.AddDirectory("/run/nvidia/driver/lib64/libnvidia-ml.so.1");
  ASSERT_OK_AND_ASSIGN(HostView view, HostView::AtPrefix(tree.prefix()));
  EXPECT_THAT(FindNvmlLibrary(view, DriverRoots::GpuOperator()),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("tried \"/run/nvidia/driver/usr/lib64/libnvidia-ml.so.1\"")));
}

}  // namespace
}  // namespace gpulet::hostfs

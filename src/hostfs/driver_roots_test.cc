#include "hostfs/driver_roots.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::hostfs {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

TEST(DriverRootsTest, PresetsNameTheThreeLayouts) {
  EXPECT_EQ(DriverRoots::Standard().driver_root(), "/");
  EXPECT_EQ(DriverRoots::GpuOperator().dev_root(), "/run/nvidia/driver");
  EXPECT_EQ(DriverRoots::GkeCos().dev_root(), "/");
  EXPECT_EQ(DriverRoots::GkeCos().container_driver_root(), "/usr/local/nvidia");
}

TEST(DriverRootsTest, CreateNormalizesAndDefaultsDevRootToDriverRoot) {
  absl::StatusOr<DriverRoots> roots = DriverRoots::Create("/run/nvidia/driver/", "");
  ASSERT_OK(roots);
  EXPECT_EQ(*roots, DriverRoots::GpuOperator());
}

TEST(DriverRootsTest, CreateNamesTheBadField) {
  EXPECT_THAT(DriverRoots::Create("run/nvidia", ""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("driver root \"run/nvidia\"")));
  EXPECT_THAT(DriverRoots::Create("/", "dev"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("dev root \"dev\"")));
  EXPECT_THAT(DriverRoots::Create("/", "/", "usr"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("container driver root \"usr\"")));
}

TEST(DriverRootsTest, BuildsHostPaths) {
  EXPECT_EQ(DriverRoots::GpuOperator().DriverPath("usr/lib64/libcuda.so.1"),
            "/run/nvidia/driver/usr/lib64/libcuda.so.1");
  EXPECT_EQ(DriverRoots::Standard().DriverPath("usr/bin/nvidia-smi"),
            "/usr/bin/nvidia-smi");
  EXPECT_EQ(DriverRoots::GpuOperator().DevicePath("nvidia0"),
            "/run/nvidia/driver/dev/nvidia0");
  EXPECT_EQ(DriverRoots::GkeCos().DevicePath("nvidia-caps/nvidia-cap1"),
            "/dev/nvidia-caps/nvidia-cap1");
}

TEST(DriverRootsTest, ToContainerPathReplacesTheDriverRoot) {
  struct Case { DriverRoots roots; const char* host; const char* container; };
  for (const Case& c : {
           Case{DriverRoots::Standard(), "/usr/lib/x86_64-linux-gnu/libcuda.so.1",
                "/usr/lib/x86_64-linux-gnu/libcuda.so.1"},
           Case{DriverRoots::GpuOperator(),
                "/run/nvidia/driver/usr/lib/x86_64-linux-gnu/libcuda.so.570.86.15",
                "/usr/lib/x86_64-linux-gnu/libcuda.so.570.86.15"},
           Case{DriverRoots::GkeCos(), "/home/kubernetes/bin/nvidia/lib64/libcuda.so.1",
                "/usr/local/nvidia/lib64/libcuda.so.1"},
           Case{DriverRoots::GkeCos(), "/home/kubernetes/bin/nvidia//bin/../bin/nvidia-smi",
                "/usr/local/nvidia/bin/nvidia-smi"}}) {
    absl::StatusOr<std::string> got = c.roots.ToContainerPath(c.host);
    ASSERT_OK(got);
    EXPECT_EQ(*got, c.container) << c.host;
  }
}

TEST(DriverRootsTest, ToContainerPathRejectsPathsOutsideTheRoot) {
  EXPECT_THAT(DriverRoots::GpuOperator().ToContainerPath("/run/nvidia/driver-old/lib"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not under the driver root \"/run/nvidia/driver\"")));
  EXPECT_THAT(DriverRoots::Standard().ToContainerPath("lib/x"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace gpulet::hostfs

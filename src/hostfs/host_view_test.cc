#include "hostfs/host_view.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostfs/testing/fixture_tree.h"

namespace gpulet::hostfs {
namespace {

using ::gpulet::hostfs::testing::FixtureTree;
using ::gpulet::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(HostViewTest, DefaultIsIdentity) {
  HostView view;
  EXPECT_TRUE(view.IsIdentity());
  EXPECT_EQ(view.ToAgentPath("/usr/lib"), "/usr/lib");
  EXPECT_EQ(view.ToHostPath("/usr/lib"), "/usr/lib");
}

TEST(HostViewTest, TranslatesThroughTheLongestBinding) {
  ASSERT_OK_AND_ASSIGN(HostView view, HostView::AtPrefix("/host/"));
  ASSERT_OK(view.Bind("/run/nvidia/driver", "/driver-root"));
  EXPECT_FALSE(view.IsIdentity());
  EXPECT_EQ(view.ToAgentPath("/"), "/host");
  EXPECT_EQ(view.ToAgentPath("/dev/nvidiactl"), "/host/dev/nvidiactl");
  EXPECT_EQ(view.ToAgentPath("/run/nvidia/driver/usr/lib64/libcuda.so.1"),
            "/driver-root/usr/lib64/libcuda.so.1");
  EXPECT_EQ(view.ToAgentPath("/run/nvidia/driver-old"), "/host/run/nvidia/driver-old");
  EXPECT_EQ(view.ToHostPath("/driver-root/dev"), "/run/nvidia/driver/dev");
  EXPECT_EQ(view.ToHostPath("/host/run/nvidia/driver/dev"), "/run/nvidia/driver/dev");
  EXPECT_EQ(view.ToHostPath("/host"), "/");
  EXPECT_EQ(view.ToHostPath("/proc/self"), std::nullopt);
}

TEST(HostViewTest, BindRejectsBadAndRepeatedDirs) {
  HostView view;
  EXPECT_THAT(view.Bind("run/nvidia", "/x"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(view.Bind("/x", "y"), StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_OK(view.Bind("/home/kubernetes/bin/nvidia", "/usr/local/nvidia"));
  EXPECT_THAT(view.Bind("/home/kubernetes/bin/nvidia/", "/other"),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("/usr/local/nvidia")));
  EXPECT_THAT(HostView::AtPrefix("host"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(HostViewTest, ResolvesAbsoluteSymlinksInsideThePrefix) {
  FixtureTree tree;
  tree.AddFile("/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.570.86.15", "elf");
  tree.AddSymlink("/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1",
                  "/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.570.86.15");
  tree.AddSymlink("/lib", "usr/lib");  // merged /usr
  ASSERT_OK_AND_ASSIGN(HostView view, HostView::AtPrefix(tree.prefix()));
  ASSERT_OK_AND_ASSIGN(std::string resolved, view.Resolve("/lib/x86_64-linux-gnu/libnvidia-ml.so.1"));
  EXPECT_EQ(resolved, "/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.570.86.15");
  ASSERT_OK_AND_ASSIGN(std::string text,
                       view.ReadFile("/lib/x86_64-linux-gnu/libnvidia-ml.so.1"));
  EXPECT_EQ(text, "elf");
}

TEST(HostViewTest, DotDotAfterASymlinkFollowsTheLinkFirst) {
  FixtureTree tree;
  tree.AddFile("/a/b/file", "x");
  tree.AddSymlink("/link", "/a/b");
  ASSERT_OK_AND_ASSIGN(HostView view, HostView::AtPrefix(tree.prefix()));
  ASSERT_OK_AND_ASSIGN(std::string resolved, view.Resolve("/link/../b/./file"));
  EXPECT_EQ(resolved, "/a/b/file");
  // ".." above the host's root stays at the root, as in the kernel.
  tree.AddSymlink("/up", "../../../../a");
  ASSERT_OK_AND_ASSIGN(resolved, view.Resolve("/up/b"));
  EXPECT_EQ(resolved, "/a/b");
}

TEST(HostViewTest, ResolveReportsMissingFilesAndLoops) {
  FixtureTree tree;
  tree.AddSymlink("/loop1", "/loop2");
  tree.AddSymlink("/loop2", "loop1");
  tree.AddSymlink("/dangling", "/nowhere");
  ASSERT_OK_AND_ASSIGN(HostView view, HostView::AtPrefix(tree.prefix()));
  EXPECT_THAT(view.Resolve("/loop1"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("\"/loop1\"")));
  EXPECT_THAT(view.Resolve("/dangling/x"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("\"/nowhere\"")));
  EXPECT_THAT(view.Resolve("relative"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_FALSE(view.Exists("/dangling"));
}

TEST(HostViewTest, FollowsSymlinksAcrossBindings) {
  FixtureTree tree;
  // The driver root is visible at a second place, as /driver-root is in a pod.
  tree.AddFile("/agent-driver-root/usr/lib64/libnvidia-ml.so.550.1", "elf");
  tree.AddSymlink("/agent-driver-root/usr/lib64/libnvidia-ml.so.1",
                  "/run/nvidia/driver/usr/lib64/libnvidia-ml.so.550.1");
  ASSERT_OK_AND_ASSIGN(HostView view, HostView::AtPrefix(tree.prefix()));
  ASSERT_OK(view.Bind("/run/nvidia/driver", tree.PathOf("/agent-driver-root")));
  ASSERT_OK_AND_ASSIGN(std::string resolved,
                       view.Resolve("/run/nvidia/driver/usr/lib64/libnvidia-ml.so.1"));
  EXPECT_EQ(resolved, "/run/nvidia/driver/usr/lib64/libnvidia-ml.so.550.1");
  EXPECT_EQ(view.ToAgentPath(resolved),
            tree.PathOf("/agent-driver-root/usr/lib64/libnvidia-ml.so.550.1"));
}

TEST(HostViewTest, StatListAndReadErrors) {
  FixtureTree tree;
  tree.AddFile("/proc/driver/nvidia/gpus/0000:17:00.0/information", "Model: x\n");
  tree.AddFile("/proc/driver/nvidia/gpus/0000:03:00.0/information", "Model: y\n");
  ASSERT_OK_AND_ASSIGN(HostView view, HostView::AtPrefix(tree.prefix()));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> names, view.ListDirectory("/proc/driver/nvidia/gpus"));
  EXPECT_THAT(names, ElementsAre("0000:03:00.0", "0000:17:00.0"));
  ASSERT_OK_AND_ASSIGN(FileInfo info, view.Stat("/proc/driver/nvidia"));
  EXPECT_EQ(info.type, FileInfo::Type::kDirectory);
  EXPECT_THAT(view.ReadFile("/proc/driver/nvidia"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("directory")));
  EXPECT_THAT(view.ListDirectory("/proc/driver/nvidia/gpus/0000:03:00.0/information"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("not a directory")));
  EXPECT_THAT(view.ReadFile("/proc/missing"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("\"/proc/missing\"")));
}

TEST(HostViewTest, StatReportsCharacterDevices) {
  HostView view;  // the real /dev/null: a character device everywhere
  ASSERT_OK_AND_ASSIGN(FileInfo info, view.Stat("/dev/null"));
  EXPECT_EQ(info.type, FileInfo::Type::kCharDevice);
  EXPECT_EQ(info.rdev_major, 1u);
  EXPECT_EQ(info.rdev_minor, 3u);
}

}  // namespace
}  // namespace gpulet::hostfs

namespace gpulet::hostfs {
namespace {

TEST(HostViewReadLinkTest, ReturnsTargetVerbatimThroughResolvedParents) {
  testing::FixtureTree tree;
  tree.AddFile("/usr/lib/x86_64-linux-gnu/libcuda.so.570", "");
  tree.AddSymlink("/usr/lib/x86_64-linux-gnu/libcuda.so.1", "libcuda.so.570");
  tree.AddSymlink("/lib", "usr/lib");
  ASSERT_OK_AND_ASSIGN(HostView view, HostView::AtPrefix(tree.prefix()));
  ASSERT_OK_AND_ASSIGN(std::string target, view.ReadLink("/lib/x86_64-linux-gnu/libcuda.so.1"));
  EXPECT_EQ(target, "libcuda.so.570");
  EXPECT_TRUE(view.IsSymlink("/lib"));
  EXPECT_FALSE(view.IsSymlink("/usr/lib/x86_64-linux-gnu/libcuda.so.570"));
  EXPECT_THAT(view.ReadLink("/usr/lib/x86_64-linux-gnu/libcuda.so.570"),
              ::gpulet::testing::StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(view.ReadLink("/nope/x"),
              ::gpulet::testing::StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace gpulet::hostfs

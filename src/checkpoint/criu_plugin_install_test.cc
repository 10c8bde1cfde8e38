#include "checkpoint/criu_plugin_install.h"

#include <sys/stat.h>

#include "base/status_matchers.h"
#include "base/text_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostfs/testing/fixture_tree.h"

namespace gpulet::checkpoint {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

TEST(InstallCriuPluginTest, CopiesUnderTheHostRootOnceAndAtomically) {
  hostfs::testing::FixtureTree image, host;
  image.AddFile("/usr/lib/gpulet/criu/cuda_plugin.so", std::string("\x7f" "ELF\0v1", 7));
  ASSERT_OK_AND_ASSIGN(hostfs::HostView view, hostfs::HostView::AtPrefix(host.prefix()));
  CriuPluginInstall install{image.PathOf("/usr/lib/gpulet/criu/cuda_plugin.so"),
                            "/usr/lib/criu"};

  ASSERT_OK_AND_ASSIGN(bool written, InstallCriuPlugin(view, install));
  EXPECT_TRUE(written);
  const std::string installed = host.PathOf("/usr/lib/criu/cuda_plugin.so");
  EXPECT_EQ(ReadTextFile(installed).value_or(""), std::string("\x7f" "ELF\0v1", 7));
  struct stat st;
  ASSERT_EQ(stat(installed.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);

  // Unchanged: not rewritten (CRIU may be loading it right now).
  ASSERT_OK_AND_ASSIGN(written, InstallCriuPlugin(view, install));
  EXPECT_FALSE(written);
  // A new image replaces it.
  image.AddFile("/usr/lib/gpulet/criu/cuda_plugin.so", "v2");
  ASSERT_OK_AND_ASSIGN(written, InstallCriuPlugin(view, install));
  EXPECT_TRUE(written);
  EXPECT_EQ(ReadTextFile(installed).value_or(""), "v2");
}

TEST(InstallCriuPluginTest, MissingSourceChangesNothing) {
  hostfs::testing::FixtureTree host;
  ASSERT_OK_AND_ASSIGN(hostfs::HostView view, hostfs::HostView::AtPrefix(host.prefix()));
  EXPECT_THAT(InstallCriuPlugin(view, {"/nonexistent/cuda_plugin.so", "/usr/lib/criu"}),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("/nonexistent/cuda_plugin.so")));
  EXPECT_FALSE(view.Exists("/usr/lib/criu"));
}

}  // namespace
}  // namespace gpulet::checkpoint

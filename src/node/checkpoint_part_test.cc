#include "node/checkpoint_part.h"

#include <sys/stat.h>

#include "base/status_matchers.h"
#include "checkpoint/checkpoint_capability.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostfs/testing/fixture_tree.h"

namespace gpulet::node {
namespace {

using ::gpulet::testing::IsOk;
using ::gpulet::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

// A node with CRIU 4.2, a GPU and an r570 tool, but no plugin yet; and
// gpulet's image with the plugin in it.
class CheckpointPartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AddScript("/usr/local/sbin/criu", "echo 'Version: 4.2'");
    AddScript("/run/nvidia/driver/usr/bin/cuda-checkpoint", "echo '  --action ACTION'");
    host_.AddDirectory("/proc/driver/nvidia/gpus/0000:3b:00.0");
    image_.AddFile("/usr/lib/gpulet/criu/cuda_plugin.so", "plugin");
    options_.host_root = host_.prefix();
    options_.plugin.source = image_.PathOf("/usr/lib/gpulet/criu/cuda_plugin.so");
    options_.path_env = "/usr/bin";
  }
  void AddScript(const std::string& path, const std::string& body) {
    host_.AddFile(path, "#!/bin/sh\n" + body + "\n");
    ASSERT_EQ(chmod(host_.PathOf(path).c_str(), 0755), 0);
  }

  hostfs::testing::FixtureTree host_, image_;
  NodeCheckpointOptions options_;
};

TEST_F(CheckpointPartTest, LabelFollowsThePluginInstall) {
  CheckpointLabel label(options_);
  EXPECT_THAT(label.Labels(), IsEmpty());

  EXPECT_THAT(InstallCheckpointPlugin(options_), IsOk());  // not asked to
  struct stat st;
  EXPECT_NE(stat(host_.PathOf("/usr/lib/criu/cuda_plugin.so").c_str(), &st), 0);
  EXPECT_THAT(label.Labels(), IsEmpty());

  options_.install_plugin = true;
  ASSERT_THAT(InstallCheckpointPlugin(options_), IsOk());
  EXPECT_EQ(stat(host_.PathOf("/usr/lib/criu/cuda_plugin.so").c_str(), &st), 0);
  EXPECT_THAT(label.Labels(), ElementsAre(Pair(checkpoint::kCheckpointCapableLabel, "true")));
}

TEST_F(CheckpointPartTest, InstallErrorsAreReported) {
  options_.install_plugin = true;
  options_.plugin.source = "/nonexistent/cuda_plugin.so";
  EXPECT_THAT(InstallCheckpointPlugin(options_), StatusIs(absl::StatusCode::kNotFound));
  options_.host_root = "relative";
  EXPECT_THAT(InstallCheckpointPlugin(options_), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace gpulet::node

#include "checkpoint/checkpoint_capability.h"

#include <sys/stat.h>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostfs/testing/fixture_tree.h"

namespace gpulet::checkpoint {
namespace {

using ::gpulet::testing::IsOk;
using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ParseCriuVersionTest, GoodAndMalformed) {
  EXPECT_EQ(ParseCriuVersion("Version: 4.2\nGitID: v4.2\n").value_or(std::make_pair(0, 0)),
            std::make_pair(4, 2));
  EXPECT_EQ(ParseCriuVersion("Version: 3.17.1\n").value_or(std::make_pair(0, 0)),
            std::make_pair(3, 17));
  for (const char* bad : {"", "criu 4.1", "Version: 4", "Version: x.y", "Version 4.1"}) {
    EXPECT_THAT(ParseCriuVersion(bad),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Version: X.Y")))
        << bad;
  }
}

class CapabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Script("/usr/sbin/criu", "echo 'Version: 4.1'; echo 'GitID: v4.1'");
    Script("/usr/bin/cuda-checkpoint",
           "echo 'Usage: cuda-checkpoint --action <lock|checkpoint|restore|unlock> --pid N'");
    tree_.AddFile("/usr/lib/criu/cuda_plugin.so", "ELF");
    tree_.AddDirectory("/proc/driver/nvidia/gpus/0000:17:00.0");
  }
  void Script(const std::string& host_path, const std::string& body) {
    tree_.AddFile(host_path, "#!/bin/sh\n" + body + "\n");
    ASSERT_EQ(chmod(tree_.PathOf(host_path).c_str(), 0755), 0);
  }
  absl::Status Probe() {
    CapabilityOptions options;
    options.host = *hostfs::HostView::AtPrefix(tree_.prefix());
    options.path_env = "/usr/bin";
    return ProbeCheckpointCapability(options);
  }
  hostfs::testing::FixtureTree tree_;
};

TEST_F(CapabilityTest, CapableNode) { EXPECT_THAT(Probe(), IsOk()); }

TEST_F(CapabilityTest, OldCriu) {
  Script("/usr/sbin/criu", "echo 'Version: 3.17.1'");
  EXPECT_THAT(Probe(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                HasSubstr("CRIU 3.17; the CUDA plugin needs 4.0")));
}

TEST_F(CapabilityTest, CriuThatCannotRun) {
  Script("/usr/sbin/criu", "echo 'error while loading shared libraries' >&2; exit 127");
  EXPECT_THAT(Probe(), StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("exit 127")));
}

TEST_F(CapabilityTest, NoCriu) {
  tree_.Remove("/usr/sbin/criu");
  EXPECT_THAT(Probe(), StatusIs(absl::StatusCode::kNotFound, HasSubstr("no criu")));
}

TEST_F(CapabilityTest, NoPlugin) {
  tree_.Remove("/usr/lib/criu/cuda_plugin.so");
  EXPECT_THAT(Probe(), StatusIs(absl::StatusCode::kNotFound, HasSubstr("no CRIU CUDA plugin")));
}

TEST_F(CapabilityTest, ToolWithoutAction) {
  Script("/usr/bin/cuda-checkpoint", "echo 'Usage: cuda-checkpoint --toggle --pid N'");
  EXPECT_THAT(Probe(), StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("r555")));
}

TEST_F(CapabilityTest, NoGpu) {
  tree_.Remove("/proc/driver/nvidia/gpus/0000:17:00.0");
  EXPECT_THAT(Probe(), StatusIs(absl::StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace gpulet::checkpoint

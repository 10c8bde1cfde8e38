#include "config/node_options.h"

#include "base/status_matchers.h"
#include "gtest/gtest.h"

namespace gpulet {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

TEST(NodeOptionsTest, DefaultsMatchNvidia) {
  ASSERT_OK_AND_ASSIGN(NodeOptions options,
                       ResolveNodeOptions({}, Environment::FromMap({})));
  EXPECT_EQ(options.nvml_library, "");
  EXPECT_EQ(options.driver_root, "/");
  EXPECT_EQ(options.dev_root, "");
  EXPECT_EQ(options.driver_root_ctr_path, "/driver-root");
}

TEST(NodeOptionsTest, EnvironmentOverridesDefaults) {
  Environment env = Environment::FromMap({{"GPULET_NVML_LIBRARY", "/x/libnvidia-ml.so.1"},
                                          {"NVIDIA_DRIVER_ROOT", "/run/nvidia/driver"},
                                          {"NVIDIA_DEV_ROOT", "/"},
                                          {"CONTAINER_DRIVER_ROOT", "/host-driver"}});
  ASSERT_OK_AND_ASSIGN(NodeOptions options, ResolveNodeOptions({}, env));
  EXPECT_EQ(options.nvml_library, "/x/libnvidia-ml.so.1");
  EXPECT_EQ(options.driver_root, "/run/nvidia/driver");
  EXPECT_EQ(options.dev_root, "/");
  EXPECT_EQ(options.driver_root_ctr_path, "/host-driver");
}

TEST(NodeOptionsTest, FlagsOverrideEnvironment) {
  Environment env = Environment::FromMap({{"GPULET_NVML_LIBRARY", "/env/lib.so"},
                                          {"NVIDIA_DRIVER_ROOT", "/env-root"},
                                          {"DRIVER_ROOT_CTR_PATH", "/a"},
                                          {"CONTAINER_DRIVER_ROOT", "/b"}});
  NodeFlags flags;
  flags.nvml_library = "/flag/lib.so";
  flags.driver_root = "/flag-root";
  ASSERT_OK_AND_ASSIGN(NodeOptions options, ResolveNodeOptions(flags, env));
  EXPECT_EQ(options.nvml_library, "/flag/lib.so");
  EXPECT_EQ(options.driver_root, "/flag-root");
  EXPECT_EQ(options.driver_root_ctr_path, "/a") << "the first variable wins";
}

TEST(NodeOptionsTest, RelativeRootsAreRejectedNamingTheirSource) {
  EXPECT_THAT(ResolveNodeOptions({}, Environment::FromMap({{"NVIDIA_DRIVER_ROOT", "run/x"}})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("NVIDIA_DRIVER_ROOT: \"run/x\"")));
  NodeFlags flags;
  flags.dev_root = "dev";
  EXPECT_THAT(ResolveNodeOptions(flags, Environment::FromMap({})),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--dev-root")));
  flags = {};
  flags.driver_root = "";
  EXPECT_THAT(ResolveNodeOptions(flags, Environment::FromMap({})),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--driver-root")));
}

}  // namespace
}  // namespace gpulet

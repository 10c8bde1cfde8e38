// The CRIU plugin and checkpoint label settings of `gpulet node`: flag >
// env > default, as for every other flag of the node agent.
#include "cli/node_agent_flags.h"

#include <map>
#include <string>
#include <vector>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::cli {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

absl::StatusOr<node::NodeCheckpointOptions> Resolve(
    std::vector<std::string> args, std::map<std::string, std::string, std::less<>> vars = {}) {
  CLI::App app("gpulet node");
  NodeAgentFlagSet flags(app);
  args.insert(args.begin(), "node");
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  app.parse(static_cast<int>(argv.size()), argv.data());
  absl::StatusOr<node::NodeAgentOptions> options =
      flags.Resolve(Environment::FromMap(std::move(vars)));
  if (!options.ok()) return options.status();
  return options->checkpoint;
}

TEST(NodeAgentFlagsTest, CheckpointDefaults) {
  ASSERT_OK_AND_ASSIGN(node::NodeCheckpointOptions options, Resolve({}, {{"PATH", "/usr/bin"}}));
  EXPECT_FALSE(options.install_plugin);
  EXPECT_EQ(options.plugin.source, "/usr/lib/gpulet/criu/cuda_plugin.so");
  EXPECT_EQ(options.plugin.plugin_dir, "/usr/lib/criu");
  EXPECT_EQ(options.host_root, "/");
  EXPECT_EQ(options.tool_path, "");
  EXPECT_EQ(options.path_env, "/usr/bin");
}

TEST(NodeAgentFlagsTest, CheckpointFromEnvAndFlags) {
  std::map<std::string, std::string, std::less<>> env = {
      {"GPULET_INSTALL_CRIU_PLUGIN", "true"}, {"GPULET_CRIU_PLUGIN_DIR", "/usr/lib64/criu"},
      {"GPULET_HOST_ROOT", "/host"}, {"GPULET_CUDA_CHECKPOINT", "/opt/bin/cuda-checkpoint"}};
  ASSERT_OK_AND_ASSIGN(node::NodeCheckpointOptions options, Resolve({}, env));
  EXPECT_TRUE(options.install_plugin);
  EXPECT_EQ(options.plugin.plugin_dir, "/usr/lib64/criu");
  EXPECT_EQ(options.host_root, "/host");
  EXPECT_EQ(options.tool_path, "/opt/bin/cuda-checkpoint");

  ASSERT_OK_AND_ASSIGN(options, Resolve({"--install-criu-plugin=false", "--criu-plugin-dir",
                                         "/x", "--criu-plugin", "/img/p.so"},
                                        env));
  EXPECT_FALSE(options.install_plugin);
  EXPECT_EQ(options.plugin.plugin_dir, "/x");
  EXPECT_EQ(options.plugin.source, "/img/p.so");
  ASSERT_OK_AND_ASSIGN(options, Resolve({"--install-criu-plugin"}));
  EXPECT_TRUE(options.install_plugin);
}

TEST(NodeAgentFlagsTest, BadInstallSwitch) {
  EXPECT_THAT(Resolve({}, {{"GPULET_INSTALL_CRIU_PLUGIN", "maybe"}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("env GPULET_INSTALL_CRIU_PLUGIN: \"maybe\"")));
}

}  // namespace
}  // namespace gpulet::cli

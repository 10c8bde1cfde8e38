// `gpulet device-plugin --cdi-disable-hooks/--cdi-feature-flags` and their
// environment variables, parsed by CLI11 and merged by config/ as the
// command does: flag > env > default (NVIDIA's config file has no field for
// either, so a file never sets them).
#include "cli/device_plugin_flags.h"

#include <map>
#include <string>
#include <vector>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// The plugin config from `args` (after "device-plugin") and `vars`, with
// `yaml` as the config file when it is not empty.
absl::StatusOr<PluginConfig> Resolve(std::vector<std::string> args,
                                     std::map<std::string, std::string, std::less<>> vars = {},
                                     std::string_view yaml = "") {
  CLI::App app("gpulet device-plugin");
  DevicePluginFlagSet flags(app);
  args.insert(args.begin(), "device-plugin");
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& error) {
    return absl::InvalidArgumentError(error.what());
  }
  Environment env = Environment::FromMap(std::move(vars));
  absl::StatusOr<Config> config;
  if (yaml.empty()) {
    config = ResolveConfig(flags.Parsed(), env, nullptr, ConfigUser::kDevicePlugin);
  } else {
    absl::StatusOr<ConfigFile> file = ParseConfigFile(yaml, "config.yaml");
    if (!file.ok()) return file.status();
    config = ResolveConfig(flags.Parsed(), env, &*file, ConfigUser::kDevicePlugin);
  }
  if (!config.ok()) return config.status();
  return config->plugin;
}

TEST(DevicePluginFlagsTest, CdiListsDefaultToEmpty) {
  ASSERT_OK_AND_ASSIGN(PluginConfig plugin, Resolve({}));
  EXPECT_THAT(plugin.cdi_disable_hooks, IsEmpty());
  EXPECT_THAT(plugin.cdi_feature_flags, IsEmpty());
}

TEST(DevicePluginFlagsTest, FlagsRepeatedAndCommaSeparated) {
  ASSERT_OK_AND_ASSIGN(
      PluginConfig plugin,
      Resolve({"--cdi-disable-hooks", "enable-cuda-compat,update-ldcache",
               "--cdi-disable-hooks=chmod", "--cdi-feature-flags=disable-ipc-discoverer"}));
  EXPECT_THAT(plugin.cdi_disable_hooks,
              ElementsAre("enable-cuda-compat", "update-ldcache", "chmod"));
  EXPECT_THAT(plugin.cdi_feature_flags, ElementsAre("disable-ipc-discoverer"));
}

TEST(DevicePluginFlagsTest, EnvWhenNoFlagAndFlagOverEnv) {
  std::map<std::string, std::string, std::less<>> vars = {
      {"CDI_DISABLE_HOOKS", "all"},
      {"CDI_FEATURE_FLAGS", "no-additional-gids-for-device-nodes,disable-nvsandbox-utils"}};
  ASSERT_OK_AND_ASSIGN(PluginConfig from_env, Resolve({}, vars));
  EXPECT_THAT(from_env.cdi_disable_hooks, ElementsAre("all"));
  EXPECT_THAT(from_env.cdi_feature_flags,
              ElementsAre("no-additional-gids-for-device-nodes", "disable-nvsandbox-utils"));
  ASSERT_OK_AND_ASSIGN(PluginConfig from_flag,
                       Resolve({"--cdi-disable-hooks", "create-symlinks"}, vars));
  EXPECT_THAT(from_flag.cdi_disable_hooks, ElementsAre("create-symlinks"));
  EXPECT_THAT(from_flag.cdi_feature_flags,
              ElementsAre("no-additional-gids-for-device-nodes", "disable-nvsandbox-utils"))
      << "each list falls back on its own";
}

TEST(DevicePluginFlagsTest, ConfigFileNeitherSetsNorBlocksThem) {
  constexpr char kFile[] =
      "version: v1\nflags:\n  plugin:\n    deviceListStrategy: cdi-cri\n";
  ASSERT_OK_AND_ASSIGN(PluginConfig file_only, Resolve({}, {}, kFile));
  EXPECT_THAT(file_only.cdi_disable_hooks, IsEmpty());
  ASSERT_OK_AND_ASSIGN(PluginConfig with_env,
                       Resolve({}, {{"CDI_DISABLE_HOOKS", "update-ldcache"}}, kFile));
  EXPECT_THAT(with_env.cdi_disable_hooks, ElementsAre("update-ldcache"));
}

TEST(DevicePluginFlagsTest, MalformedListsKeepOnlyNames) {
  ASSERT_OK_AND_ASSIGN(PluginConfig plugin,
                       Resolve({"--cdi-feature-flags", ",disable-ipc-discoverer,"},
                               {{"CDI_DISABLE_HOOKS", " , ,"}}));
  EXPECT_THAT(plugin.cdi_feature_flags, ElementsAre("disable-ipc-discoverer"));
  EXPECT_THAT(plugin.cdi_disable_hooks, IsEmpty());
  EXPECT_THAT(Resolve({"--cdi-disable-hooks"}),
              gpulet::testing::StatusIs(absl::StatusCode::kInvalidArgument))
      << "a flag without a value";
}

}  // namespace
}  // namespace gpulet::cli

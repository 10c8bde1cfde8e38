#include "config/config.h"

#include <chrono>
#include <map>
#include <string>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr ConfigUser kGfd = ConfigUser::kFeatureDiscovery;
constexpr ConfigUser kPlugin = ConfigUser::kDevicePlugin;

Environment Env(std::map<std::string, std::string, std::less<>> vars = {}) {
  return Environment::FromMap(std::move(vars));
}

ConfigFile File(std::string_view yaml) {
  absl::StatusOr<ConfigFile> file = ParseConfigFile(yaml, "config.yaml");
  EXPECT_OK(file);
  return file.ok() ? *file : ConfigFile{};
}

TEST(ResolveConfigTest, DefaultsMatchNvidia) {
  ASSERT_OK_AND_ASSIGN(Config c, ResolveConfig({}, Env(), nullptr, kGfd));
  EXPECT_EQ(c.mig_strategy, MigStrategy::kNone);
  EXPECT_TRUE(c.fail_on_init_error);
  EXPECT_EQ(c.node.driver_root, "/");
  EXPECT_EQ(c.node.driver_root_ctr_path, "/driver-root");
  EXPECT_EQ(c.device_discovery_strategy, DeviceDiscoveryStrategy::kAuto);
  EXPECT_THAT(c.plugin.device_list_strategies, ElementsAre(DeviceListStrategy::kEnvVar));
  EXPECT_EQ(c.plugin.device_id_strategy, DeviceIdStrategy::kUuid);
  EXPECT_EQ(c.plugin.cdi_annotation_prefix, "cdi.k8s.io/");
  EXPECT_EQ(c.plugin.nvidia_ctk_path, "/usr/bin/nvidia-ctk");
  EXPECT_EQ(c.plugin.shared_devices_allocation_policy, AllocationPolicy::kDistributed);
  EXPECT_FALSE(c.gfd.oneshot);
  EXPECT_FALSE(c.gfd.no_timestamp);
  EXPECT_EQ(c.gfd.sleep_interval, std::chrono::seconds(60));
  EXPECT_EQ(c.gfd.output_file, "/etc/kubernetes/node-feature-discovery/features.d/gfd");
  EXPECT_EQ(c.gfd.machine_type_file, "/sys/class/dmi/id/product_name");
  EXPECT_EQ(c.sharing.Strategy(), SharingStrategy::kNone);
  EXPECT_THAT(c.imex.channel_ids, IsEmpty());
  EXPECT_THAT(c.warnings, IsEmpty());
}

TEST(ResolveConfigTest, FlagBeatsEnvBeatsFileBeatsDefault) {
  ConfigFile file = File(
      "flags: {migStrategy: single, nvidiaDriverRoot: /file-root, "
      "gfd: {sleepInterval: 10s, outputFile: /file/gfd, oneshot: true}}");
  ConfigFlags flags;
  flags.mig_strategy = "mixed";
  flags.no_timestamp = true;
  Environment env = Env({{"GFD_MIG_STRATEGY", "none"},
                         {"GFD_SLEEP_INTERVAL", "2m"},
                         {"NVIDIA_DRIVER_ROOT", "/env-root"}});
  ASSERT_OK_AND_ASSIGN(Config c, ResolveConfig(flags, env, &file, kGfd));
  EXPECT_EQ(c.mig_strategy, MigStrategy::kMixed);             // flag
  EXPECT_TRUE(c.gfd.no_timestamp);                            // flag
  EXPECT_EQ(c.gfd.sleep_interval, std::chrono::minutes(2));   // env
  EXPECT_EQ(c.node.driver_root, "/env-root");                 // env
  EXPECT_EQ(c.gfd.output_file, "/file/gfd");                  // file
  EXPECT_TRUE(c.gfd.oneshot);                                 // file
  EXPECT_EQ(c.config_file, "config.yaml");
}

TEST(ResolveConfigTest, FileRootsApplyWhenNoFlagOrEnv) {
  ConfigFile file = File(
      "flags: {nvidiaDriverRoot: /run/nvidia/driver, nvidiaDevRoot: /, "
      "plugin: {containerDriverRoot: /host-driver}}");
  ASSERT_OK_AND_ASSIGN(Config c, ResolveConfig({}, Env(), &file, kPlugin));
  EXPECT_EQ(c.node.driver_root, "/run/nvidia/driver");
  EXPECT_EQ(c.node.dev_root, "/");
  EXPECT_EQ(c.node.driver_root_ctr_path, "/host-driver");
}

TEST(ResolveConfigTest, GfdEnvNamesComeFirstOnlyForFeatureDiscovery) {
  Environment env = Env({{"GFD_MIG_STRATEGY", "single"}, {"MIG_STRATEGY", "mixed"}});
  ASSERT_OK_AND_ASSIGN(Config gfd, ResolveConfig({}, env, nullptr, kGfd));
  EXPECT_EQ(gfd.mig_strategy, MigStrategy::kSingle);
  ASSERT_OK_AND_ASSIGN(Config plugin, ResolveConfig({}, env, nullptr, kPlugin));
  EXPECT_EQ(plugin.mig_strategy, MigStrategy::kMixed);
}

TEST(ResolveConfigTest, PluginEnvVars) {
  Environment env = Env({{"DEVICE_LIST_STRATEGY", "envvar,cdi-annotations"},
                         {"PASS_DEVICE_SPECS", "1"},
                         {"NVIDIA_CTK_PATH", "/opt/nvidia-ctk"},
                         {"SHARED_DEVICES_ALLOCATION_POLICY", "packed"},
                         {"IMEX_CHANNEL_IDS", "0"},
                         {"FAIL_ON_INIT_ERROR", "False"}});
  ASSERT_OK_AND_ASSIGN(Config c, ResolveConfig({}, env, nullptr, kPlugin));
  EXPECT_THAT(c.plugin.device_list_strategies,
              ElementsAre(DeviceListStrategy::kEnvVar, DeviceListStrategy::kCdiAnnotations));
  EXPECT_TRUE(c.plugin.pass_device_specs);
  EXPECT_EQ(c.plugin.nvidia_ctk_path, "/opt/nvidia-ctk");
  EXPECT_EQ(c.plugin.shared_devices_allocation_policy, AllocationPolicy::kPacked);
  EXPECT_THAT(c.imex.channel_ids, ElementsAre(0));
  EXPECT_FALSE(c.fail_on_init_error);
}

TEST(ResolveConfigTest, CdiHooksAndFeatureFlagsFlagBeatsEnvBeatsEmpty) {
  ASSERT_OK_AND_ASSIGN(Config unset, ResolveConfig({}, Env(), nullptr, kPlugin));
  EXPECT_THAT(unset.plugin.cdi_disable_hooks, IsEmpty());
  EXPECT_THAT(unset.plugin.cdi_feature_flags, IsEmpty());
  Environment env = Env({{"CDI_DISABLE_HOOKS", "enable-cuda-compat, update-ldcache"},
                         {"CDI_FEATURE_FLAGS", "disable-nvsandbox-utils"}});
  ASSERT_OK_AND_ASSIGN(Config from_env, ResolveConfig({}, env, nullptr, kPlugin));
  EXPECT_THAT(from_env.plugin.cdi_disable_hooks,
              ElementsAre("enable-cuda-compat", "update-ldcache"));
  EXPECT_THAT(from_env.plugin.cdi_feature_flags, ElementsAre("disable-nvsandbox-utils"));
  ConfigFlags flags;
  flags.cdi_disable_hooks = std::vector<std::string>{"all"};
  flags.cdi_feature_flags = std::vector<std::string>{"no-additional-gids-for-device-nodes",
                                                     "disable-ipc-discoverer"};
  ASSERT_OK_AND_ASSIGN(Config from_flags, ResolveConfig(flags, env, nullptr, kPlugin));
  EXPECT_THAT(from_flags.plugin.cdi_disable_hooks, ElementsAre("all"));
  EXPECT_THAT(from_flags.plugin.cdi_feature_flags,
              ElementsAre("no-additional-gids-for-device-nodes", "disable-ipc-discoverer"));
  // An empty flag still wins over the variable, as a given urfave/cli flag does.
  flags.cdi_disable_hooks = std::vector<std::string>{};
  ASSERT_OK_AND_ASSIGN(Config empty_flag, ResolveConfig(flags, env, nullptr, kPlugin));
  EXPECT_THAT(empty_flag.plugin.cdi_disable_hooks, IsEmpty());
}

TEST(ResolveConfigTest, CdiNameListsDropEmptyItemsAndTrimSpaces) {
  struct Case {
    std::string text;
    std::vector<std::string> names;
  };
  const Case cases[] = {
      {"", {}},
      {",,", {}},
      {" ", {}},
      {"chmod,", {"chmod"}},
      {",all", {"all"}},
      {" create-symlinks , ,update-ldcache\t", {"create-symlinks", "update-ldcache"}},
      {"not-a-hook;chmod", {"not-a-hook;chmod"}},  // kept: the generator warns
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    ASSERT_OK_AND_ASSIGN(Config config, ResolveConfig({}, Env({{"CDI_DISABLE_HOOKS", c.text},
                                                               {"CDI_FEATURE_FLAGS", c.text}}),
                                                      nullptr, kPlugin));
    EXPECT_EQ(config.plugin.cdi_disable_hooks, c.names);
    EXPECT_EQ(config.plugin.cdi_feature_flags, c.names);
  }
}

TEST(ResolveConfigTest, NodeNameFromTheDownwardApi) {
  ASSERT_OK_AND_ASSIGN(Config unset, ResolveConfig({}, Env(), nullptr, kPlugin));
  EXPECT_EQ(unset.plugin.node_name, "");
  ASSERT_OK_AND_ASSIGN(Config c, ResolveConfig({}, Env({{"NODE_NAME", "gpu-node-1"}}), nullptr,
                                               kPlugin));
  EXPECT_EQ(c.plugin.node_name, "gpu-node-1");
}

TEST(ResolveConfigTest, InfiniteSleepFromFlag) {
  ConfigFlags flags;
  flags.sleep_interval = "infinite";
  ASSERT_OK_AND_ASSIGN(Config c, ResolveConfig(flags, Env(), nullptr, kGfd));
  EXPECT_EQ(c.gfd.sleep_interval, kSleepForever);
}

TEST(ResolveConfigTest, SharingIsFinalizedAsNvidiaDoes) {
  ConfigFile file = File(
      "sharing:\n  timeSlicing:\n    renameByDefault: true\n    resources:\n"
      "    - {name: gpu, replicas: 4, rename: my-gpu, devices: [0]}\n");
  ASSERT_OK_AND_ASSIGN(Config c, ResolveConfig({}, Env(), &file, kGfd));
  const ReplicatedResource* gpu = c.sharing.Find("nvidia.com/gpu");
  ASSERT_NE(gpu, nullptr);
  EXPECT_EQ(gpu->rename, "nvidia.com/gpu.shared");
  EXPECT_TRUE(gpu->devices.all);
  EXPECT_EQ(c.sharing.time_slicing.fail_requests_greater_than_one, false);
  EXPECT_THAT(c.warnings, ElementsAre(HasSubstr("rename \"nvidia.com/my-gpu\" ignored"),
                                      HasSubstr("devices other than \"all\" ignored")));
}

struct BadCase {
  std::string name;
  ConfigFlags flags;
  std::map<std::string, std::string, std::less<>> env;
  std::string yaml;
  ConfigUser user;
  std::string message;
};

TEST(ResolveConfigTest, InvalidInputs) {
  ConfigFlags bad_flag;
  bad_flag.mig_strategy = "all";
  ConfigFlags bad_interval;
  bad_interval.sleep_interval = "soon";
  ConfigFlags relative_root;
  relative_root.node.driver_root = "run/nvidia";
  const BadCase cases[] = {
      {"flag strategy", bad_flag, {}, "", kGfd,
       "--mig-strategy: unknown MIG strategy \"all\""},
      {"env strategy", {}, {{"MIG_STRATEGY", "Mixed"}}, "", kPlugin,
       "env MIG_STRATEGY: unknown MIG strategy \"Mixed\""},
      {"flag duration", bad_interval, {}, "", kGfd,
       "--sleep-interval: invalid duration \"soon\""},
      {"env duration", {}, {{"GFD_SLEEP_INTERVAL", "60"}}, "", kGfd,
       "env GFD_SLEEP_INTERVAL: invalid duration \"60\""},
      {"env bool", {}, {{"GFD_ONESHOT", "yes"}}, "", kGfd,
       "env GFD_ONESHOT: expected true or false, got \"yes\""},
      {"env list", {}, {{"DEVICE_LIST_STRATEGY", "envvar,bogus"}}, "", kPlugin,
       "env DEVICE_LIST_STRATEGY: unknown device list strategy \"bogus\""},
      {"imex", {}, {{"IMEX_CHANNEL_IDS", "0,1"}}, "", kPlugin, "only [] or [0]"},
      {"relative root", relative_root, {}, "", kGfd, "\"run/nvidia\" is not an absolute"},
      {"file relative root", {}, {}, "flags: {nvidiaDevRoot: dev}", kGfd,
       "config file field flags.nvidiaDevRoot: \"dev\" is not an absolute path"},
      {"mps with mixed", {}, {}, 
       "flags: {migStrategy: mixed, mpsRoot: /run/mps}\n"
       "sharing: {mps: {resources: [{name: gpu, replicas: 2}]}}",
       kGfd, "MPS sharing is not supported with migStrategy \"mixed\""},
      {"mps without root", {}, {},
       "sharing: {mps: {resources: [{name: gpu, replicas: 2}]}}", kPlugin,
       "MPS sharing needs an MPS root"},
      {"cdi with tegra", {}, {{"DEVICE_DISCOVERY_STRATEGY", "tegra"}},
       "flags: {plugin: {deviceListStrategy: cdi-cri}}", kPlugin,
       "\"cdi-cri\" needs NVML"},
  };
  for (const BadCase& c : cases) {
    ConfigFile file = File(c.yaml);
    EXPECT_THAT(ResolveConfig(c.flags, Env(c.env), &file, c.user),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.name;
  }
}

TEST(ResolveConfigTest, MpsWithoutRootIsFineForFeatureDiscovery) {
  ConfigFile file = File("sharing: {mps: {resources: [{name: gpu, replicas: 2}]}}");
  ASSERT_OK_AND_ASSIGN(Config c, ResolveConfig({}, Env(), &file, kGfd));
  EXPECT_EQ(c.sharing.Strategy(), SharingStrategy::kMps);
  EXPECT_EQ(c.sharing.mps.fail_requests_greater_than_one, true);
}

TEST(ConfigFilePathTest, FlagThenGfdEnvThenEnv) {
  ConfigFlags flags;
  Environment env = Env({{"GFD_CONFIG_FILE", "/gfd.yaml"}, {"CONFIG_FILE", "/c.yaml"}});
  EXPECT_EQ(ConfigFilePath(flags, env, kGfd), "/gfd.yaml");
  EXPECT_EQ(ConfigFilePath(flags, env, kPlugin), "/c.yaml");
  flags.config_file = "/flag.yaml";
  EXPECT_EQ(ConfigFilePath(flags, env, kGfd), "/flag.yaml");
  flags.config_file = "";
  EXPECT_EQ(ConfigFilePath(flags, env, kGfd), std::nullopt);
  EXPECT_EQ(ConfigFilePath({}, Env(), kGfd), std::nullopt);
}

TEST(LoadConfigTest, MissingFileNamesIt) {
  ConfigFlags flags;
  flags.config_file = "/nonexistent/gpulet.yaml";
  EXPECT_THAT(LoadConfig(flags, Env(), kGfd),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("/nonexistent/gpulet.yaml")));
}

}  // namespace
}  // namespace gpulet

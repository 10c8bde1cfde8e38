// `gpulet cdi generate` as an operator runs it: the real binary on the
// DGX H100 mock with a fake driver root, its flags and their nvidia-ctk
// environment variables, the output file, and bad values.
#include <sys/stat.h>

#include <set>

#include "base/status_matchers.h"
#include "cdi/spec_format.h"
#include "fake_driver_root.h"
#include "gmock/gmock.h"
#include "gpulet_run.h"
#include "gtest/gtest.h"
#include "mock/nvml/machine_profile.h"

namespace gpulet::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class CdiGenerateTest : public ::testing::Test {
 protected:
  // Runs `cdi generate <args>` on the node with extra `env`.
  GpuletRun Generate(const std::string& args, const std::string& env = "") {
    return RunGpulet("-u GPULET_MOCK_CONTROL GPULET_MOCK_MACHINE=dgx-h100 " + env,
                     std::string("cdi generate --nvml-library ") + GPULET_MOCK_NVML_PATH +
                         " --driver-root " + driver_.path() + " " + args);
  }

  // The device names of a generated spec, parsed from `text` in `format`.
  static std::set<std::string> Names(const std::string& text, cdi::SpecFormat format,
                                     std::string* kind = nullptr) {
    absl::StatusOr<cdi::Spec> spec = cdi::ParseSpec(text, format);
    EXPECT_TRUE(spec.ok()) << spec.status() << "\n" << text;
    std::set<std::string> names;
    if (!spec.ok()) return names;
    if (kind != nullptr) *kind = spec->kind;
    for (const cdi::Device& device : spec->devices) names.insert(device.name);
    return names;
  }

  std::string Uuid(int index) const { return profile_.gpus[index].uuid; }

  // The JSON spec of a run that must succeed.
  std::string Json(const std::string& args, const std::string& env = "") {
    GpuletRun run = Generate("--format json " + args, env);
    EXPECT_EQ(run.exit_code, 0) << args << " " << env << "\n" << run.err;
    return run.out;
  }

  // The hook names ("nvidia-cdi-hook <name> ...") of a JSON spec, anywhere.
  static std::set<std::string> HookNames(const std::string& json) {
    absl::StatusOr<cdi::Spec> spec = cdi::ParseSpec(json, cdi::SpecFormat::kJson);
    EXPECT_TRUE(spec.ok()) << spec.status() << "\n" << json;
    std::set<std::string> names;
    if (!spec.ok()) return names;
    for (const cdi::Hook& hook : spec->edits.hooks) names.insert(hook.args.at(1));
    for (const cdi::Device& device : spec->devices) {
      for (const cdi::Hook& hook : device.edits.hooks) names.insert(hook.args.at(1));
    }
    return names;
  }

  FakeDriverRoot driver_{"550.54.15", 8};
  mock::MachineProfile profile_ = *mock::LoadMachineProfile("dgx-h100");
};

TEST_F(CdiGenerateTest, DefaultIsYamlWithIndexAndUuidNamesAndAll) {
  GpuletRun run = Generate("");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string kind;
  std::set<std::string> names = Names(run.out, cdi::SpecFormat::kYaml, &kind);
  EXPECT_EQ(kind, "nvidia.com/gpu");
  EXPECT_EQ(names.size(), 17u);
  EXPECT_TRUE(names.contains("0") && names.contains("7") && names.contains("all"));
  EXPECT_TRUE(names.contains(Uuid(4)));
}

TEST_F(CdiGenerateTest, FormatJsonFromFlagAndFromEnv) {
  GpuletRun flag = Generate("--format json");
  ASSERT_EQ(flag.exit_code, 0) << flag.err;
  EXPECT_THAT(flag.out, StartsWith("{"));
  EXPECT_FALSE(Names(flag.out, cdi::SpecFormat::kJson).empty());
  GpuletRun env = Generate("", "NVIDIA_CTK_CDI_GENERATE_OUTPUT_FORMAT=json");
  ASSERT_EQ(env.exit_code, 0) << env.err;
  EXPECT_EQ(env.out, flag.out);
  GpuletRun both = Generate("--format yaml", "NVIDIA_CTK_CDI_GENERATE_OUTPUT_FORMAT=json");
  ASSERT_EQ(both.exit_code, 0) << both.err;
  EXPECT_FALSE(Names(both.out, cdi::SpecFormat::kYaml).empty()) << "the flag wins";
}

TEST_F(CdiGenerateTest, DeviceNameStrategyRepeatedAndFromEnv) {
  GpuletRun uuid = Generate("--format json --device-name-strategy uuid");
  ASSERT_EQ(uuid.exit_code, 0) << uuid.err;
  std::set<std::string> names = Names(uuid.out, cdi::SpecFormat::kJson);
  EXPECT_TRUE(names.contains(Uuid(0)));
  EXPECT_FALSE(names.contains("0"));
  GpuletRun repeated =
      Generate("--format json --device-name-strategy type-index --device-name-strategy uuid");
  ASSERT_EQ(repeated.exit_code, 0) << repeated.err;
  names = Names(repeated.out, cdi::SpecFormat::kJson);
  EXPECT_TRUE(names.contains("gpu3"));
  EXPECT_TRUE(names.contains(Uuid(3)));
  EXPECT_FALSE(names.contains("3"));
  GpuletRun env = Generate("--format json",
                           "NVIDIA_CTK_CDI_GENERATE_DEVICE_NAME_STRATEGIES=type-index,uuid");
  ASSERT_EQ(env.exit_code, 0) << env.err;
  EXPECT_EQ(env.out, repeated.out);
}

TEST_F(CdiGenerateTest, NoAllDeviceAndDeviceIds) {
  GpuletRun no_all = Generate("--format json --no-all-device");
  ASSERT_EQ(no_all.exit_code, 0) << no_all.err;
  EXPECT_FALSE(Names(no_all.out, cdi::SpecFormat::kJson).contains("all"));
  GpuletRun env_no_all = Generate("--format json", "NVIDIA_CTK_CDI_GENERATE_NO_ALL_DEVICE=true");
  EXPECT_EQ(env_no_all.out, no_all.out);

  GpuletRun ids = Generate("--format json --device-id 1 --device-id " + Uuid(5));
  ASSERT_EQ(ids.exit_code, 0) << ids.err;
  std::set<std::string> names = Names(ids.out, cdi::SpecFormat::kJson);
  EXPECT_EQ(names, (std::set<std::string>{"1", "5", Uuid(1), Uuid(5), "all"}));
  GpuletRun env_ids =
      Generate("--format json", "NVIDIA_CTK_CDI_GENERATE_DEVICE_IDS=1," + Uuid(5));
  EXPECT_EQ(env_ids.out, ids.out);
}

TEST_F(CdiGenerateTest, VendorAndClassFromFlagsAndEnv) {
  GpuletRun flags = Generate("--format json --vendor example.com --class accel");
  ASSERT_EQ(flags.exit_code, 0) << flags.err;
  std::string kind;
  Names(flags.out, cdi::SpecFormat::kJson, &kind);
  EXPECT_EQ(kind, "example.com/accel");
  GpuletRun env = Generate("--format json", "NVIDIA_CTK_CDI_GENERATE_VENDOR=example.com "
                                            "NVIDIA_CTK_CDI_GENERATE_CLASS=accel");
  EXPECT_EQ(env.out, flags.out);
}

TEST_F(CdiGenerateTest, OutputFileIsWrittenWithMode0644AndItsExtensionsFormat) {
  std::string json = driver_.path() + "/out/spec.json";
  std::filesystem::create_directories(driver_.path() + "/out");
  GpuletRun run = Generate("--output " + json);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(run.out.empty());
  struct stat st {};
  ASSERT_EQ(stat(json.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  std::ifstream file(json);
  std::string text((std::istreambuf_iterator<char>(file)), {});
  EXPECT_FALSE(Names(text, cdi::SpecFormat::kJson).empty());
  // No extension: the format's is appended; the env var names the file.
  std::string bare = driver_.path() + "/out/bare";
  GpuletRun env = Generate("", "NVIDIA_CTK_CDI_OUTPUT_FILE_PATH=" + bare);
  ASSERT_EQ(env.exit_code, 0) << env.err;
  EXPECT_EQ(stat((bare + ".yaml").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  GpuletRun validate = RunGpulet("", "cdi validate " + json + " " + bare + ".yaml");
  EXPECT_EQ(validate.exit_code, 0) << validate.err;
}

TEST_F(CdiGenerateTest, DisableHookRepeatedCommaSeparatedAliasedAndFromEnv) {
  EXPECT_EQ(HookNames(Json("")),
            (std::set<std::string>{"create-symlinks", "disable-device-node-modification",
                                   "enable-cuda-compat", "update-ldcache"}));
  std::string flags =
      Json("--disable-hook enable-cuda-compat --disable-hooks update-ldcache,chmod");
  EXPECT_EQ(HookNames(flags),
            (std::set<std::string>{"create-symlinks", "disable-device-node-modification"}));
  EXPECT_EQ(Json("", "NVIDIA_CTK_CDI_GENERATE_DISABLED_HOOKS=enable-cuda-compat,update-ldcache"),
            flags);
  EXPECT_EQ(HookNames(Json("--disable-hook update-ldcache",
                           "NVIDIA_CTK_CDI_GENERATE_DISABLED_HOOKS=all")),
            (std::set<std::string>{"create-symlinks", "disable-device-node-modification",
                                   "enable-cuda-compat"}))
      << "the flag wins over the variable";
}

TEST_F(CdiGenerateTest, DisableHookAllWritesAValidSpecWithoutHooks) {
  std::string all = Json("--disable-hook all");
  EXPECT_TRUE(HookNames(all).empty());
  EXPECT_EQ(Names(all, cdi::SpecFormat::kJson).size(), 17u);
  std::string path = driver_.path() + "/no-hooks.json";
  ASSERT_EQ(Generate("--disable-hooks=all --output " + path).exit_code, 0);
  GpuletRun validate = RunGpulet("", "cdi validate " + path);
  EXPECT_EQ(validate.exit_code, 0) << validate.err;
  // --enable-hook keeps a named hook through "all", as in nvidia-ctk.
  EXPECT_EQ(HookNames(Json("--disable-hook all --enable-hook update-ldcache",
                           "NVIDIA_CTK_CDI_GENERATE_ENABLED_HOOKS=enable-cuda-compat")),
            std::set<std::string>{"update-ldcache"});
}

TEST_F(CdiGenerateTest, UnknownHooksAndFeatureFlagsAreIgnoredWithAWarning) {
  std::string defaults = Json("");
  GpuletRun run = Generate("--format json --disable-hook create-symlink --feature-flag bogus",
                           "NVIDIA_CTK_CDI_GENERATE_ENABLED_HOOKS=CHMOD");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, defaults);
  EXPECT_THAT(run.err, HasSubstr("disabled hook \"create-symlink\" is not one gpulet writes"));
  EXPECT_THAT(run.err, HasSubstr("enabled hook \"CHMOD\""));
  EXPECT_THAT(run.err, HasSubstr("feature flag \"bogus\""));
  // Empty list items are no names at all.
  GpuletRun empty = Generate("--format json --disable-hook , --feature-flags=,",
                             "NVIDIA_CTK_CDI_GENERATE_DISABLED_HOOKS=,,");
  ASSERT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_EQ(empty.out, defaults);
  EXPECT_THAT(empty.err, Not(HasSubstr("ignored")));
}

TEST_F(CdiGenerateTest, FeatureFlagsFromFlagAndEnv) {
  driver_.Touch("/run/nvidia-persistenced/socket");
  std::string defaults = Json("");
  EXPECT_THAT(defaults, HasSubstr("/run/nvidia-persistenced/socket"));
  GpuletRun flag = Generate("--format json --feature-flag disable-ipc-discoverer "
                            "--feature-flags disable-nvsandbox-utils");
  ASSERT_EQ(flag.exit_code, 0) << flag.err;
  EXPECT_THAT(flag.out, Not(HasSubstr("/run/nvidia-persistenced/socket")));
  EXPECT_THAT(flag.err, Not(HasSubstr("feature flag"))) << "both are known";
  EXPECT_EQ(Json("", "NVIDIA_CTK_CDI_GENERATE_FEATURE_FLAGS="
                     "disable-ipc-discoverer,disable-nvsandbox-utils"),
            flag.out);
  EXPECT_EQ(Json("--feature-flag disable-nvsandboxutils",
                 "NVIDIA_CTK_CDI_GENERATE_FEATURE_FLAGS=disable-ipc-discoverer"),
            defaults)
      << "the flag wins over the variable";
}

TEST_F(CdiGenerateTest, BadValuesExitWithOneClearLine) {
  struct Case {
    std::string args, env;
    int code;
    std::string message;
  };
  const Case cases[] = {
      {"--format xml", "", 2, "xml"},
      {"", "NVIDIA_CTK_CDI_GENERATE_OUTPUT_FORMAT=toml", 2, "toml"},
      {"--device-name-strategy serial", "", 2,
       "--device-name-strategy \"serial\" is not index, uuid or type-index"},
      {"", "NVIDIA_CTK_CDI_GENERATE_DEVICE_NAME_STRATEGIES=bogus", 2, "\"bogus\""},
      {"--mode wsl2", "", 2, "--mode \"wsl2\" is not auto, nvml or management"},
      {"--enable-hook all", "", 2, "--enable-hook \"all\" is not allowed"},
      {"--disable-hook all", "NVIDIA_CTK_CDI_GENERATE_ENABLED_HOOKS=chmod,all", 2, "\"all\""},
      {"--vendor 'bad vendor!'", "", 1, "bad vendor!"},
      {"--device-id 42", "", 1, "42"},
      // A MIG id is one item, not split at ':' (GPU 0 of this machine has no MIG).
      {"--device-id 0:1", "", 1, "\"0:1\""},
      {"", "NVIDIA_CTK_CDI_GENERATE_DEVICE_IDS=0:1", 1, "\"0:1\""},
      {"--output /nonexistent-dir/x/spec.json", "", 1, "/nonexistent-dir/x"},
  };
  for (const Case& c : cases) {
    GpuletRun run = Generate(c.args, c.env);
    EXPECT_EQ(run.exit_code, c.code) << c.args << c.env << "\n" << run.err;
    EXPECT_THAT(run.err, HasSubstr(c.message)) << c.args << c.env;
    EXPECT_THAT(run.err, StartsWith("gpulet cdi generate: ")) << c.args << c.env;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
    EXPECT_TRUE(run.out.empty()) << c.args;
  }
}

}  // namespace
}  // namespace gpulet::testing

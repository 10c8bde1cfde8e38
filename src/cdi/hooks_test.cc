// Which hooks a generated spec holds: the defaults, each hook disabled on
// its own, "all", enabling over disabling, and names gpulet does not know.
#include "cdi/hooks.h"

#include <sys/stat.h>
#include <unistd.h>

#include <set>

#include "base/status_matchers.h"
#include "cdi/spec_generator.h"
#include "cdi/spec_validator.h"
#include "cdi/testing/driver_layouts.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::cdi {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::DriverLayout;

// The hook names ("nvidia-cdi-hook <name> ...") anywhere in `spec`.
std::multiset<std::string> HookNames(const Spec& spec) {
  std::multiset<std::string> names;
  auto add = [&names](const ContainerEdits& edits) {
    for (const Hook& hook : edits.hooks) names.insert(hook.args.at(1));
  };
  add(spec.edits);
  for (const Device& device : spec.devices) add(device.edits);
  return names;
}

std::set<std::string> Distinct(const std::multiset<std::string>& names) {
  return {names.begin(), names.end()};
}

// The spec of a two-GPU node whose GPU 1 is in MIG mode, with `hooks`.
GeneratedSpec GenerateWith(const HookSet& hooks) {
  std::unique_ptr<testing::FixtureNode> node =
      testing::MakeFixtureNode(DriverLayout::kDebianMultiarch, 2, /*mig_gpu=*/1);
  GenerateOptions options;
  options.hooks = hooks;
  absl::StatusOr<GeneratedSpec> out = GenerateSpec(*node->host, &node->inventory, options);
  EXPECT_OK(out.status());
  if (!out.ok()) return {};
  EXPECT_OK(ValidateSpec(out->spec));
  return *std::move(out);
}

const std::set<std::string> kDefaultHooks = {"create-symlinks", "disable-device-node-modification",
                                             "enable-cuda-compat", "update-ldcache"};

TEST(HookSetTest, DefaultsLeaveChmodAndUpdateApplicationProfileOff) {
  HookSet defaults;
  EXPECT_THAT(defaults.Enabled(), ElementsAre("create-symlinks", "disable-device-node-modification",
                                              "enable-cuda-compat", "update-ldcache"));
  ASSERT_OK_AND_ASSIGN(HookSet none, HookSet::Create({}, {}));
  EXPECT_EQ(none.Enabled(), defaults.Enabled());
  EXPECT_EQ(Distinct(HookNames(GenerateWith(defaults).spec)), kDefaultHooks);
}

TEST(HookSetTest, EachHookDisabledAloneLeavesTheOthers) {
  for (const std::string& name : kDefaultHooks) {
    SCOPED_TRACE(name);
    std::vector<std::string> warnings;
    ASSERT_OK_AND_ASSIGN(HookSet hooks, HookSet::Create({name}, {}, &warnings));
    EXPECT_THAT(warnings, IsEmpty());
    std::set<std::string> expected = kDefaultHooks;
    expected.erase(name);
    EXPECT_EQ(Distinct(HookNames(GenerateWith(hooks).spec)), expected);
  }
}

TEST(HookSetTest, AllDropsEveryHookFromCommonAndDeviceEdits) {
  ASSERT_OK_AND_ASSIGN(HookSet hooks, HookSet::Create({"all"}, {}));
  EXPECT_THAT(hooks.Enabled(), IsEmpty());
  GeneratedSpec out = GenerateWith(hooks);
  EXPECT_THAT(HookNames(out.spec), IsEmpty());
  EXPECT_GE(out.spec.devices.size(), 4u) << "GPU 0, two MIG devices and all";
}

TEST(HookSetTest, EnabledWinsOverDisabledAndAll) {
  ASSERT_OK_AND_ASSIGN(HookSet hooks,
                       HookSet::Create({"all", "enable-cuda-compat"}, {"enable-cuda-compat"}));
  EXPECT_THAT(hooks.Enabled(), ElementsAre("enable-cuda-compat"));
  EXPECT_EQ(Distinct(HookNames(GenerateWith(hooks).spec)),
            std::set<std::string>{"enable-cuda-compat"});
}

TEST(HookSetTest, ChmodWhenEnabledOpensTheNestedDeviceDirs) {
  ASSERT_OK_AND_ASSIGN(HookSet hooks, HookSet::Create({}, {"chmod"}));
  GeneratedSpec out = GenerateWith(hooks);
  std::set<std::vector<std::string>> chmods;
  for (const Device& device : out.spec.devices) {
    for (const Hook& hook : device.edits.hooks) {
      if (hook.args.at(1) == "chmod") {
        chmods.insert(std::vector<std::string>(hook.args.begin() + 2, hook.args.end()));
      }
    }
  }
  // GPU 0 has DRM nodes; the MIG devices have capability nodes.
  EXPECT_THAT(chmods, Contains(ElementsAre("--mode", "755", "--path", "/dev/dri")));
  EXPECT_THAT(chmods, Contains(ElementsAre("--mode", "755", "--path", "/dev/nvidia-caps")));
  for (const Hook& hook : out.spec.edits.hooks) EXPECT_NE(hook.args.at(1), "chmod");
}

TEST(HookSetTest, UpdateApplicationProfileWhenEnabledFollowsDeviceNodeModification) {
  ASSERT_OK_AND_ASSIGN(HookSet hooks, HookSet::Create({}, {"update-application-profile"}));
  GeneratedSpec out = GenerateWith(hooks);
  std::vector<std::string> common;
  for (const Hook& hook : out.spec.edits.hooks) common.push_back(hook.args.at(1));
  EXPECT_THAT(common, ElementsAre("create-symlinks", "enable-cuda-compat", "update-ldcache",
                                  "disable-device-node-modification",
                                  "update-application-profile"));
}

TEST(HookSetTest, UnknownAndEmptyNamesAreIgnoredWithAWarning) {
  std::vector<std::string> warnings;
  ASSERT_OK_AND_ASSIGN(HookSet hooks,
                       HookSet::Create({"create-symlink", "", "update-ldcache"},
                                       {"Chmod"}, &warnings));
  // The misspelt name disables nothing: create-symlinks stays.
  EXPECT_THAT(hooks.Enabled(), ElementsAre("create-symlinks", "disable-device-node-modification",
                                           "enable-cuda-compat"));
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_THAT(warnings[0], HasSubstr("disabled hook \"create-symlink\""));
  EXPECT_THAT(warnings[1], HasSubstr("enabled hook \"Chmod\""));
  EXPECT_OK(HookSet::Create({"bogus"}, {}).status()) << "warnings may be dropped";
}

TEST(HookSetTest, EnablingAllIsRejected) {
  EXPECT_THAT(HookSet::Create({}, {"all"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"all\"")));
  EXPECT_THAT(HookSet::Create({"all"}, {"chmod", "all"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(HookSetTest, ManagementModeNeverDisablesDeviceNodeModification) {
  std::unique_ptr<testing::FixtureNode> node =
      testing::MakeFixtureNode(DriverLayout::kDebianMultiarch, 1, /*mig_gpu=*/0);
  GenerateOptions options;
  options.mode = GenerateMode::kManagement;
  ASSERT_OK_AND_ASSIGN(options.hooks, HookSet::Create({"create-symlinks"}, {"chmod"}));
  ASSERT_OK_AND_ASSIGN(GeneratedSpec out, GenerateSpec(*node->host, nullptr, options));
  EXPECT_EQ(Distinct(HookNames(out.spec)),
            (std::set<std::string>{"chmod", "enable-cuda-compat", "update-ldcache"}));
}

}  // namespace
}  // namespace gpulet::cdi

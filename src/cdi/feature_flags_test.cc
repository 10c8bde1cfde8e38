// --feature-flag values: which ones change the generated spec, which are
// accepted without effect, and unknown or malformed names.
#include "cdi/feature_flags.h"

#include <sys/stat.h>
#include <unistd.h>

#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "base/status_matchers.h"
#include "cdi/spec_generator.h"
#include "cdi/spec_validator.h"
#include "cdi/testing/driver_layouts.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::cdi {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using testing::DriverLayout;

TEST(FeatureFlagsTest, NoneKeepsTheDefaults) {
  std::vector<std::string> warnings;
  FeatureFlags flags = FeatureFlags::Parse({}, &warnings);
  EXPECT_TRUE(flags.additional_gids);
  EXPECT_TRUE(flags.ipc_sockets);
  EXPECT_THAT(warnings, IsEmpty());
}

TEST(FeatureFlagsTest, KnownFlags) {
  struct Case {
    std::string flag;
    bool additional_gids, ipc_sockets, warns;
  };
  const Case cases[] = {
      {"no-additional-gids-for-device-nodes", false, true, false},
      {"disable-ipc-discoverer", true, false, false},
      {"disable-nvsandboxutils", true, true, false},
      {"disable-nvsandbox-utils", true, true, false},
      {"disable-multiple-csv-devices", true, true, false},
      {"enable-explicit-driver-libraries", true, true, false},
      {"enable-coherent-annotations", true, true, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.flag);
    std::vector<std::string> warnings;
    FeatureFlags flags = FeatureFlags::Parse({c.flag}, &warnings);
    EXPECT_EQ(flags.additional_gids, c.additional_gids);
    EXPECT_EQ(flags.ipc_sockets, c.ipc_sockets);
    EXPECT_EQ(flags.explicit_driver_libraries, c.flag == "enable-explicit-driver-libraries");
    EXPECT_THAT(warnings, SizeIs(c.warns ? 1u : 0u));
    if (c.warns) {
      EXPECT_THAT(warnings[0], HasSubstr("not implemented"));
    }
  }
}

TEST(FeatureFlagsTest, UnknownAndMalformedNamesAreIgnoredWithAWarning) {
  std::vector<std::string> warnings;
  FeatureFlags flags = FeatureFlags::Parse(
      {"", "No-Additional-Gids-For-Device-Nodes", "disable-ipc-discoverer ",
       "no-additional-gids-for-device-nodes,disable-ipc-discoverer", "bogus"},
      &warnings);
  EXPECT_TRUE(flags.additional_gids) << "names are exact and case-sensitive";
  EXPECT_TRUE(flags.ipc_sockets);
  ASSERT_THAT(warnings, SizeIs(4u)) << "every name but the empty one";
  EXPECT_THAT(warnings[0], HasSubstr("\"No-Additional-Gids-For-Device-Nodes\""));
  EXPECT_THAT(warnings[3], HasSubstr("\"bogus\" is not one nvidia-ctk knows"));
  FeatureFlags dropped = FeatureFlags::Parse({"bogus", "disable-ipc-discoverer"}, nullptr);
  EXPECT_FALSE(dropped.ipc_sockets);
}

// The spec of a one-GPU node with `flags`; its DRM card node is 0660 and
// owned by a group other than root's, as /dev/dri/card1 is (root:video).
GeneratedSpec GenerateWith(const std::vector<std::string>& flags) {
  std::unique_ptr<testing::FixtureNode> node =
      testing::MakeFixtureNode(DriverLayout::kDebianMultiarch, 1);
  std::string card = node->tree.PathOf("/dev/dri/card1");
  gid_t group = getgid() != 0 ? getgid() : 44;
  EXPECT_EQ(chown(card.c_str(), static_cast<uid_t>(-1), group), 0) << card;
  EXPECT_EQ(chmod(card.c_str(), 0660), 0) << card;
  GenerateOptions options;
  options.features = FeatureFlags::Parse(flags, nullptr);
  absl::StatusOr<GeneratedSpec> out = GenerateSpec(*node->host, &node->inventory, options);
  EXPECT_OK(out.status());
  if (!out.ok()) return {};
  EXPECT_OK(ValidateSpec(out->spec));
  return *std::move(out);
}

bool HasGids(const Spec& spec) {
  if (!spec.edits.additional_gids.empty()) return true;
  for (const Device& device : spec.devices) {
    if (!device.edits.additional_gids.empty()) return true;
  }
  return false;
}

bool MountsSocket(const Spec& spec) {
  for (const Mount& mount : spec.edits.mounts) {
    if (absl::EndsWith(mount.container_path, "/socket")) return true;
  }
  return false;
}

TEST(FeatureFlagsTest, NoAdditionalGidsKeepsTheSpecBelowVersion070) {
  GeneratedSpec with = GenerateWith({});
  EXPECT_TRUE(HasGids(with.spec));
  EXPECT_EQ(with.spec.version, "0.7.0");
  GeneratedSpec without = GenerateWith({"no-additional-gids-for-device-nodes"});
  EXPECT_FALSE(HasGids(without.spec));
  EXPECT_EQ(without.spec.version, "0.5.0");
}

TEST(FeatureFlagsTest, DisableIpcDiscovererDropsTheSocketMounts) {
  EXPECT_TRUE(MountsSocket(GenerateWith({}).spec));
  GeneratedSpec out = GenerateWith({"disable-ipc-discoverer"});
  EXPECT_FALSE(MountsSocket(out.spec));
  EXPECT_FALSE(out.spec.edits.mounts.empty()) << "the libraries stay";
}

TEST(FeatureFlagsTest, OverridesTheExtrasOption) {
  std::unique_ptr<testing::FixtureNode> node =
      testing::MakeFixtureNode(DriverLayout::kDebianMultiarch, 1);
  GenerateOptions options;
  options.extras.ipc_sockets = true;
  options.features.ipc_sockets = false;
  ASSERT_OK_AND_ASSIGN(GeneratedSpec out, GenerateSpec(*node->host, &node->inventory, options));
  EXPECT_FALSE(MountsSocket(out.spec));
}

// Mount container paths and create-symlinks arguments of `spec`.
std::pair<std::set<std::string>, std::set<std::string>> MountsAndLinks(const Spec& spec) {
  std::set<std::string> mounts, links;
  for (const Mount& mount : spec.edits.mounts) mounts.insert(mount.container_path);
  for (const Hook& hook : spec.edits.hooks) {
    if (hook.args.at(1) != "create-symlinks") continue;
    links.insert(hook.args.begin() + 2, hook.args.end());
  }
  return {mounts, links};
}

TEST(FeatureFlagsTest, ExplicitDriverLibrariesMountsTheNamedLibrariesThatExist) {
  std::unique_ptr<testing::FixtureNode> node =
      testing::MakeFixtureNode(DriverLayout::kDebianMultiarch, 1);
  const std::string dir = "/usr/lib/x86_64-linux-gnu";
  node->tree.AddFile(dir + "/libEGL.so.1.1.0", "");
  node->tree.AddSymlink(dir + "/libEGL.so.1", "libEGL.so.1.1.0");
  node->tree.AddSymlink(dir + "/libEGL.so", "libEGL.so.1");
  node->tree.AddFile(dir + "/nvidia/libnvidia-api.so.1", "");
  node->tree.AddSymlink(dir + "/nvidia/libnvidia-api.so", "libnvidia-api.so.1");
  node->tree.AddFile(dir + "/libOpenCL.so.1", "");  // no libOpenCL.so: not looked for
  node->tree.AddSymlink(dir + "/libGL.so", "libGL.so.1");  // dangling: skipped
  node->tree.AddFile(dir + "/libfoo.so", "");  // not on the list
  GenerateOptions options;
  ASSERT_OK_AND_ASSIGN(GeneratedSpec plain, GenerateSpec(*node->host, &node->inventory, options));
  options.features = FeatureFlags::Parse({"enable-explicit-driver-libraries"}, nullptr);
  ASSERT_OK_AND_ASSIGN(GeneratedSpec out, GenerateSpec(*node->host, &node->inventory, options));
  EXPECT_OK(ValidateSpec(out.spec));
  auto [plain_mounts, plain_links] = MountsAndLinks(plain.spec);
  auto [mounts, links] = MountsAndLinks(out.spec);
  EXPECT_FALSE(plain_mounts.contains(dir + "/libEGL.so.1.1.0"));
  std::set<std::string> added;
  for (const std::string& mount : mounts) {
    if (!plain_mounts.contains(mount)) added.insert(mount);
  }
  EXPECT_EQ(added, (std::set<std::string>{dir + "/libEGL.so.1.1.0",
                                          dir + "/nvidia/libnvidia-api.so.1"}));
  EXPECT_TRUE(links.contains("libEGL.so.1.1.0::" + dir + "/libEGL.so.1"));
  EXPECT_TRUE(links.contains("libEGL.so.1::" + dir + "/libEGL.so"));
  EXPECT_TRUE(links.contains("libnvidia-api.so.1::" + dir + "/nvidia/libnvidia-api.so"));
  EXPECT_FALSE(plain_links.contains("libEGL.so.1::" + dir + "/libEGL.so"));
}

}  // namespace
}  // namespace gpulet::cdi

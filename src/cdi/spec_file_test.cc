#include "cdi/spec_file.h"

#include <sys/stat.h>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hostfs/testing/fixture_tree.h"

namespace gpulet::cdi {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string SpecText(const std::string& kind, const std::vector<std::string>& names) {
  std::string devices;
  for (const std::string& name : names) {
    if (!devices.empty()) devices += ",";
    devices += R"({"name":")" + name + R"(","containerEdits":{"env":["A=1"]}})";
  }
  return R"({"cdiVersion":"0.5.0","kind":")" + kind + R"(","devices":[)" + devices + "]}";
}

TEST(SpecFileTest, LaterDirectoryWinsAndConflictsDropBoth) {
  hostfs::testing::FixtureTree tree;
  tree.AddFile("/etc/cdi/nvidia.json", SpecText("nvidia.com/gpu", {"0", "1"}));
  tree.AddFile("/etc/cdi/other.json", SpecText("nvidia.com/gpu", {"1"}));
  tree.AddFile("/etc/cdi/notes.txt", "not a spec");
  tree.AddFile("/etc/cdi/broken.yaml", "cdiVersion: [");
  tree.AddFile("/var/run/cdi/nvidia.json", SpecText("nvidia.com/gpu", {"0", "all"}));
  SpecDirListing listing =
      ListSpecDirs({tree.PathOf("/etc/cdi"), tree.PathOf("/var/run/cdi"), tree.PathOf("/nope")});
  std::vector<std::string> names;
  for (const QualifiedDevice& device : listing.devices) names.push_back(device.name);
  EXPECT_THAT(names, ElementsAre("nvidia.com/gpu=0", "nvidia.com/gpu=all"));
  EXPECT_EQ(listing.devices[0].file, tree.PathOf("/var/run/cdi/nvidia.json"));
  EXPECT_THAT(listing.problems, ::testing::Contains(HasSubstr("broken.yaml")));
  EXPECT_THAT(listing.problems, ::testing::Contains(HasSubstr("conflicting definitions of nvidia.com/gpu=1")));
}

TEST(SpecFileTest, WritesValidSpecsWithMode0644AndRefusesInvalidOnes) {
  hostfs::testing::FixtureTree tree;
  std::string path = tree.PathOf("/var/run/cdi/nvidia.yaml");
  tree.AddDirectory("/var/run/cdi");
  ASSERT_OK_AND_ASSIGN(Spec spec, ParseSpec(SpecText("nvidia.com/gpu", {"0"}), SpecFormat::kJson));
  ASSERT_OK(WriteSpecFile(path, spec, SpecFormat::kYaml));
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  ASSERT_OK_AND_ASSIGN(Spec loaded, LoadSpecFile(path));
  EXPECT_EQ(loaded, spec);
  spec.devices[0].edits = {};
  EXPECT_THAT(WriteSpecFile(path, spec, SpecFormat::kYaml),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty device edits")));
  ASSERT_OK_AND_ASSIGN(loaded, LoadSpecFile(path));  // the old file is intact
  EXPECT_FALSE(loaded.devices[0].edits.empty());
  EXPECT_THAT(LoadSpecFile(tree.PathOf("/missing.json")), StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace gpulet::cdi

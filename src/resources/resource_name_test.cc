#include "resources/resource_name.h"

#include "absl/container/flat_hash_set.h"
#include "base/status_matchers.h"
#include "gtest/gtest.h"

namespace gpulet::resources {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ResourceNameTest, AddsThePrefixAndKeepsQualifiedNames) {
  struct Case {
    std::string text, name, short_name, socket;
  };
  for (const Case& c : std::vector<Case>{
           {"gpu", "nvidia.com/gpu", "gpu", "nvidia-gpu.sock"},
           {"nvidia.com/gpu", "nvidia.com/gpu", "gpu", "nvidia-gpu.sock"},
           {"mig-1g.10gb.me", "nvidia.com/mig-1g.10gb.me", "mig-1g.10gb.me",
            "nvidia-mig-1g.10gb.me.sock"},
           {"nvidia.com/gpu.shared", "nvidia.com/gpu.shared", "gpu.shared",
            "nvidia-gpu.shared.sock"},
       }) {
    SCOPED_TRACE(c.text);
    ASSERT_OK_AND_ASSIGN(ResourceName name, ResourceName::Parse(c.text));
    EXPECT_EQ(name.ToString(), c.name);
    EXPECT_EQ(name.short_name(), c.short_name);
    EXPECT_EQ(name.SocketName(), c.socket);
  }
}

TEST(ResourceNameTest, RejectsInvalidNames) {
  struct Case {
    std::string text, why;
  };
  for (const Case& c : std::vector<Case>{
           {"", "alphanumerics"},
           {"nvidia.com/", "alphanumerics"},
           {"GPU", "lower-case"},
           {"gpu-", "ending"},
           {"-gpu", "starting"},
           {"gpu_1", "alphanumerics"},
           {"amd.com/gpu", "only the \"nvidia.com/\" prefix"},
           {"nvidia.com/" + std::string(53, 'a'), "longer than 63"},
       }) {
    EXPECT_THAT(ResourceName::Parse(c.text),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.why)))
        << c.text;
  }
}

TEST(ResourceNameTest, SharedAppendsTheSuffix) {
  EXPECT_EQ(ResourceName::Gpu().Shared().ToString(), "nvidia.com/gpu.shared");
  EXPECT_EQ(ResourceName::Gpu().ToString(), "nvidia.com/gpu");
}

TEST(ResourceNameTest, ComparesAndHashesByName) {
  ASSERT_OK_AND_ASSIGN(ResourceName mig, ResourceName::Parse("mig-1g.5gb"));
  EXPECT_LT(ResourceName::Gpu(), mig);
  absl::flat_hash_set<ResourceName> set = {mig, ResourceName::Gpu(),
                                           ResourceName::Gpu()};
  EXPECT_EQ(set.size(), 2u);
}

}  // namespace
}  // namespace gpulet::resources

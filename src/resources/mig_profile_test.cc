#include "resources/mig_profile.h"

#include "absl/container/flat_hash_set.h"
#include "base/status_matchers.h"
#include "gtest/gtest.h"

namespace gpulet::resources {
namespace {

using ::gpulet::testing::StatusIs;

TEST(MigProfileTest, ParsesNvidiaProfileNames) {
  struct Case {
    std::string text;
    unsigned int g, c, gb;
    std::string attributes, suffix;
    bool full;
  };
  for (const Case& k : std::vector<Case>{
           {"1g.10gb", 1, 1, 10, "", "1g.10gb", true},
           {"7g.80gb", 7, 7, 80, "", "7g.80gb", true},
           {"1c.3g.20gb", 3, 1, 20, "", "1c.3g.20gb", false},
           {"1g.10gb+me", 1, 1, 10, "+me", "1g.10gb.me", true},
           {"1g.12gb+me.all", 1, 1, 12, "+me.all", "1g.12gb.me.all", true},
           {"1g.12gb-me", 1, 1, 12, "-me", "1g.12gb-me", true},
       }) {
    SCOPED_TRACE(k.text);
    ASSERT_OK_AND_ASSIGN(MigProfile p, MigProfile::Parse(k.text));
    EXPECT_EQ(p.gpu_slices(), k.g);
    EXPECT_EQ(p.compute_slices(), k.c);
    EXPECT_EQ(p.memory_gb(), k.gb);
    EXPECT_EQ(p.attributes(), k.attributes);
    EXPECT_EQ(p.is_full_gpu_instance(), k.full);
    EXPECT_EQ(p.ToString(), k.text);
    EXPECT_EQ(p.ResourceSuffix(), k.suffix);
  }
}

TEST(MigProfileTest, RejectsMalformedProfiles) {
  for (const char* text : {"", "1g", "1g.10", "g.10gb", "0g.10gb", "1g.0gb",
                           "1g.10gbme", "1g.10gb+", "4c.3g.20gb", "1c.1c.1g.5gb",
                           "x1g.5gb", "1g.5gb "}) {
    EXPECT_THAT(MigProfile::Parse(text),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         ::testing::HasSubstr("MIG profile")))
        << text;
  }
}

TEST(MigProfileTest, CanonicalTextRoundTripsAndHashes) {
  ASSERT_OK_AND_ASSIGN(MigProfile a, MigProfile::Parse("3g.20gb"));
  ASSERT_OK_AND_ASSIGN(MigProfile b, MigProfile::Parse("3c.3g.20gb"));
  EXPECT_EQ(a, b);  // a compute instance spanning the whole GPU instance
  EXPECT_EQ(b.ToString(), "3g.20gb");
  ASSERT_OK_AND_ASSIGN(MigProfile c, MigProfile::Parse("1g.5gb"));
  EXPECT_LT(c, a);
  absl::flat_hash_set<MigProfile> set = {a, b, c};
  EXPECT_EQ(set.size(), 2u);
}

}  // namespace
}  // namespace gpulet::resources

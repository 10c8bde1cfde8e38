#include "health/xid_policy.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::health {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(XidPolicyTest, DefaultsIgnoreNvidiasApplicationXids) {
  XidPolicy policy;
  EXPECT_TRUE(policy.enabled());
  EXPECT_TRUE(policy.xids_enabled());
  for (uint64_t xid : {13, 31, 43, 45, 68, 109}) EXPECT_FALSE(policy.IsCritical(xid)) << xid;
  for (uint64_t xid : {48, 63, 64, 74, 79, 94, 95}) EXPECT_TRUE(policy.IsCritical(xid)) << xid;
  EXPECT_EQ(policy.ToString(), "ignoring XIDs 13,31,43,45,68,109");
}

TEST(XidPolicyTest, EnvironmentTable) {
  struct Case {
    std::optional<std::string_view> disable, enable;
    bool enabled, xids;
    std::vector<uint64_t> critical, ignored;
  };
  for (const Case& c : std::vector<Case>{
           {std::nullopt, std::nullopt, true, true, {48, 79}, {13, 109}},
           {"all", std::nullopt, false, false, {}, {48, 79}},
           {"ALL", std::nullopt, false, false, {}, {48}},
           {"xids", std::nullopt, true, false, {}, {48, 79}},
           {"48, 79", std::nullopt, true, true, {94}, {48, 79, 13}},
           {std::nullopt, "13,31", true, true, {13, 31, 48}, {43, 109}},
           {"13", "13", true, true, {13}, {31}},
           {std::nullopt, "all", true, true, {13, 31, 43, 45, 68, 109, 48}, {}},
           {"all", "48", true, true, {48}, {13, 79}},
           {"xids", "all", true, true, {13, 79}, {}},
       }) {
    SCOPED_TRACE(std::string(c.disable.value_or("-")) + " / " +
                 std::string(c.enable.value_or("-")));
    XidPolicyParse parsed = ParseXidPolicy(c.disable, c.enable);
    EXPECT_TRUE(parsed.warnings.empty());
    EXPECT_EQ(parsed.policy.enabled(), c.enabled);
    EXPECT_EQ(parsed.policy.xids_enabled(), c.xids);
    for (uint64_t xid : c.critical) EXPECT_TRUE(parsed.policy.IsCritical(xid)) << xid;
    for (uint64_t xid : c.ignored) EXPECT_FALSE(parsed.policy.IsCritical(xid)) << xid;
  }
}

TEST(XidPolicyTest, MalformedEntriesAreSkippedWithAWarning) {
  XidPolicyParse parsed = ParseXidPolicy("48,abc,,-1", "x13");
  EXPECT_THAT(parsed.warnings,
              ElementsAre(HasSubstr("DP_DISABLE_HEALTHCHECKS: ignoring \"abc\""),
                          HasSubstr("DP_DISABLE_HEALTHCHECKS: ignoring \"-1\""),
                          HasSubstr("DP_ENABLE_HEALTHCHECKS: ignoring \"x13\"")));
  EXPECT_FALSE(parsed.policy.IsCritical(48));
  EXPECT_TRUE(parsed.policy.IsCritical(79));
  EXPECT_EQ(ParseXidPolicy("all", "48").policy.ToString(), "ignoring all XIDs except 48");
}

}  // namespace
}  // namespace gpulet::health

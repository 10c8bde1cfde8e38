#include "labels/label_syntax.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::labels {
namespace {

TEST(LabelSyntaxTest, ValidValues) {
  for (const std::string& v : std::vector<std::string>{"", "a", "NVIDIA-H100-80GB-HBM3", "1g.10gb", "a_b.c-d", "550",
                        "0", std::string(63, 'x')}) {
    EXPECT_TRUE(IsValidLabelValue(v)) << v;
  }
}

TEST(LabelSyntaxTest, InvalidValues) {
  for (const std::string& v : std::vector<std::string>{"-a", "a-", ".a", "a b", "a/b", "a+b", "(a)", "é",
                        std::string(64, 'x'), "@ref"}) {
    EXPECT_FALSE(IsValidLabelValue(v)) << v;
  }
}

TEST(LabelSyntaxTest, Keys) {
  for (const std::string& k : std::vector<std::string>{"nvidia.com/gpu.count", "nvidia.com/mig-1g.5gb.me.count",
                        "feature.node.kubernetes.io/x", "plain-name"}) {
    EXPECT_TRUE(IsValidLabelKey(k)) << k;
  }
  for (const std::string& k : std::vector<std::string>{"", "/a", "nvidia.com/", "Nvidia.com/a", "nvidia..com/a",
                        "nvidia.com/-a", "nvidia.com/a+b", "a/b/c",
                        "nvidia.com/" + std::string(64, 'a')}) {
    EXPECT_FALSE(IsValidLabelKey(k)) << k;
  }
}

TEST(SanitizeTextTest, AsGfd) {
  EXPECT_EQ(SanitizeText("NVIDIA H100 80GB HBM3"), "NVIDIA-H100-80GB-HBM3");
  EXPECT_EQ(SanitizeText("NVIDIA GeForce RTX 3090 (Ti)"), "NVIDIA-GeForce-RTX-3090-Ti");
  EXPECT_EQ(SanitizeText("  PowerEdge   XE9680 \n"), "PowerEdge-XE9680");
  EXPECT_EQ(SanitizeText("a+b/c"), "abc");
}

TEST(ToLabelValueTest, ShortNamesAreGfdCompatible) {
  EXPECT_EQ(ToLabelValue({"NVIDIA H100 80GB HBM3"}), "NVIDIA-H100-80GB-HBM3");
  EXPECT_EQ(ToLabelValue({"NVIDIA A100-SXM4-40GB", "MIG", "1g.5gb", "SHARED"}),
            "NVIDIA-A100-SXM4-40GB-MIG-1g.5gb-SHARED");
  EXPECT_EQ(ToLabelValue({"(NVIDIA)"}), "NVIDIA");
  EXPECT_EQ(ToLabelValue({"-odd name_"}), "odd-name");
  EXPECT_EQ(ToLabelValue({"+++"}), "");
}

TEST(ToLabelValueTest, LongNamesAreShortenedDeterministically) {
  std::string model = "NVIDIA RTX PRO 6000 Blackwell Server Edition With Extra Long Name";
  std::string a = ToLabelValue({model, "MIG", "1g.24gb", "SHARED"});
  EXPECT_TRUE(IsValidLabelValue(a)) << a;
  EXPECT_LE(a.size(), 63u);
  EXPECT_THAT(a, ::testing::EndsWith("-MIG-1g.24gb-SHARED"));
  EXPECT_THAT(a, ::testing::StartsWith("NVIDIA-RTX-PRO-6000"));
  EXPECT_EQ(a, ToLabelValue({model, "MIG", "1g.24gb", "SHARED"}));
  // Names that share the kept prefix stay apart.
  std::string b = ToLabelValue({model + " 2", "MIG", "1g.24gb", "SHARED"});
  EXPECT_NE(a, b);
  EXPECT_TRUE(IsValidLabelValue(b));
}

TEST(ToLabelValueTest, EverythingTooLongStillGivesAValidValue) {
  std::string huge(300, 'x');
  for (const std::string& v :
       {ToLabelValue({huge}), ToLabelValue({"a", huge}), ToLabelValue({huge, huge}),
        ToLabelValue({std::string(62, 'y') + "-"})}) {
    EXPECT_TRUE(IsValidLabelValue(v)) << v;
    EXPECT_FALSE(v.empty());
  }
}

}  // namespace
}  // namespace gpulet::labels

#include "gang/resource_amounts.h"

#include <limits>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::gang {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ParseResourceListTest, ReadsGpusCpuAndMemory) {
  ASSERT_OK_AND_ASSIGN(
      ResourceLimits limits,
      ParseResourceList(nlohmann::json{{"nvidia.com/gpu", "4"},
                                       {"gpulet.io/gpu-milli", 500},
                                       {"cpu", "1500m"},
                                       {"memory", "1Gi"},
                                       {"ephemeral-storage", "10Gi"}}));
  EXPECT_EQ(limits.gpu_milli, 4500);
  EXPECT_EQ(limits.cpu_milli, 1500);
  EXPECT_EQ(limits.memory_mib, 1024);
}

TEST(ParseResourceListTest, HugeQuantitiesSaturateInsteadOfWrapping) {
  ASSERT_OK_AND_ASSIGN(ResourceLimits limits,
                       ParseResourceList(nlohmann::json{{"nvidia.com/gpu", "9e18"},
                                                        {"gpulet.io/gpu-milli", "9e18"},
                                                        {"memory", "9223372036854775807"}}));
  EXPECT_EQ(limits.gpu_milli, std::numeric_limits<int64_t>::max());
  EXPECT_GT(limits.memory_mib.value_or(0), 0);
}

TEST(ParseResourceListTest, AbsentOrNullListIsNoLimit) {
  ASSERT_OK_AND_ASSIGN(ResourceLimits limits, ParseResourceList(nlohmann::json()));
  EXPECT_TRUE(limits.empty());
  ASSERT_OK_AND_ASSIGN(limits, ParseResourceList(nlohmann::json::object()));
  EXPECT_TRUE(limits.empty());
}

TEST(ParseResourceListTest, MalformedInputNamesTheResource) {
  EXPECT_THAT(ParseResourceList(nlohmann::json::array()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("object")));
  EXPECT_THAT(ParseResourceList({{"nvidia.com/gpu", "four"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("nvidia.com/gpu")));
  EXPECT_THAT(ParseResourceList({{"cpu", "-2"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("negative")));
  EXPECT_THAT(ParseResourceList({{"memory", true}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("memory")));
  EXPECT_THAT(ParseResourceList({{"memory", nlohmann::json::object()}}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ExceedsTest, NamesTheFirstResourceOver) {
  ResourceLimits limits;
  limits.gpu_milli = 4000;
  limits.memory_mib = 100;
  ResourceAmounts used{3000, 0, 50};
  EXPECT_EQ(Exceeds(limits, used, {1000, 99999, 50}), "");
  EXPECT_EQ(Exceeds(limits, used, {2000, 0, 0}), "nvidia.com/gpu 5 > 4");
  EXPECT_EQ(Exceeds(limits, used, {1500, 0, 0}), "nvidia.com/gpu 4.5 > 4");
  EXPECT_EQ(Exceeds(limits, used, {0, 0, 51}), "memory 101Mi > 100Mi");
  EXPECT_EQ(Exceeds(ResourceLimits{}, used, {1 << 30, 1 << 30, 1 << 30}), "");
}

TEST(ResourceAmountsTest, AddsSubtractsAndCompares) {
  ResourceAmounts a{1000, 500, 64};
  a += {500, 500, 64};
  EXPECT_EQ(a, (ResourceAmounts{1500, 1000, 128}));
  a -= {1500, 1000, 128};
  EXPECT_EQ(a, ResourceAmounts{});
}

TEST(ResourceListJsonTest, WritesOnlyWhatIsHeldAndReadsBack) {
  EXPECT_EQ(ResourceListJson({}), nlohmann::json::object());
  nlohmann::json list = ResourceListJson({2000, 1500, 2048});
  EXPECT_EQ(list, (nlohmann::json{{"nvidia.com/gpu", "2"}, {"cpu", "1500m"}, {"memory", "2048Mi"}}));
  ASSERT_OK_AND_ASSIGN(ResourceLimits back, ParseResourceList(ResourceListJson({2500, 0, 0})));
  EXPECT_EQ(back.gpu_milli, 2500);
}

}  // namespace
}  // namespace gpulet::gang

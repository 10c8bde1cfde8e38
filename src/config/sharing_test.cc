#include "config/sharing.h"

#include <string>

#include "base/status_matchers.h"
#include "config/strategies.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

TEST(NormalizeResourceNameTest, GoodCases) {
  const std::pair<std::string, std::string> cases[] = {
      {"gpu", "nvidia.com/gpu"},
      {"nvidia.com/gpu", "nvidia.com/gpu"},
      {"mig-1g.5gb", "nvidia.com/mig-1g.5gb"},
      {"gpu.shared", "nvidia.com/gpu.shared"},
  };
  for (const auto& [in, want] : cases) {
    ASSERT_OK_AND_ASSIGN(std::string got, NormalizeResourceName(in));
    EXPECT_EQ(got, want);
  }
}

TEST(NormalizeResourceNameTest, MalformedInputs) {
  const char* cases[] = {"", "amd.com/gpu", "nvidia.com/", "gpu-", ".gpu", "g_pu",
                         "gpu/x", "nvidia.com/a23456789012345678901234567890123456789012345678901234"};
  for (const char* name : cases) {
    EXPECT_THAT(NormalizeResourceName(name),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("\"" + std::string(name) + "\"")))
        << name;
  }
}

TEST(SharingTest, MpsWinsOverTimeSlicing) {
  Sharing sharing;
  EXPECT_EQ(sharing.Strategy(), SharingStrategy::kNone);
  sharing.time_slicing.resources.push_back({"nvidia.com/gpu", "", {}, 4});
  EXPECT_EQ(sharing.Strategy(), SharingStrategy::kTimeSlicing);
  EXPECT_EQ(sharing.Find("nvidia.com/gpu")->replicas, 4);
  sharing.mps.resources.push_back({"nvidia.com/gpu", "", {}, 2});
  EXPECT_EQ(sharing.Strategy(), SharingStrategy::kMps);
  EXPECT_EQ(sharing.Find("nvidia.com/gpu")->replicas, 2);
  EXPECT_EQ(sharing.Find("nvidia.com/mig-1g.5gb"), nullptr);
}

TEST(StrategiesTest, NamesRoundTrip) {
  for (std::string_view name : {"none", "single", "mixed"}) {
    ASSERT_OK_AND_ASSIGN(MigStrategy s, ParseMigStrategy(name));
    EXPECT_EQ(ToString(s), name);
  }
  for (std::string_view name : {"envvar", "volume-mounts", "cdi-annotations", "cdi-cri"}) {
    ASSERT_OK_AND_ASSIGN(DeviceListStrategy s, ParseDeviceListStrategy(name));
    EXPECT_EQ(ToString(s), name);
  }
  for (std::string_view name : {"auto", "nvml", "tegra", "vfio"}) {
    ASSERT_OK_AND_ASSIGN(DeviceDiscoveryStrategy s, ParseDeviceDiscoveryStrategy(name));
    EXPECT_EQ(ToString(s), name);
  }
  EXPECT_EQ(ToString(SharingStrategy::kTimeSlicing), "time-slicing");
  EXPECT_THAT(ParseMigStrategy("MIXED"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("want one of none, single, mixed")));
}

}  // namespace
}  // namespace gpulet

#include "hostfs/pci_bus_id.h"

#include "absl/container/flat_hash_set.h"
#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::hostfs {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

TEST(PciBusIdTest, ParsesNvmlSysfsAndShortForms) {
  struct Case { const char* in; const char* nvml; const char* sysfs; };
  for (const Case& c : {
           Case{"00000000:17:00.0", "00000000:17:00.0", "0000:17:00.0"},
           Case{"0000:17:00.0", "00000000:17:00.0", "0000:17:00.0"},
           Case{"0000:af:1f.7", "00000000:AF:1F.7", "0000:af:1f.7"},
           Case{"3a:00.1", "00000000:3A:00.1", "0000:3a:00.1"},
           Case{"0001A000:C1:00.0", "0001A000:C1:00.0", "1a000:c1:00.0"}}) {
    absl::StatusOr<PciBusId> id = PciBusId::Parse(c.in);
    ASSERT_OK(id);
    EXPECT_EQ(id->ToString(), c.nvml) << c.in;
    EXPECT_EQ(id->ToSysfsString(), c.sysfs) << c.in;
  }
}

TEST(PciBusIdTest, RejectsMalformed) {
  for (const char* in : {"", "17:00", "0000:17:00", "0000:17:00.8",
                         "0000:17:20.0", "000000000:17:00.0", "0000:117:00.0",
                         "0000:17:00.0.0", "a:b:c:d.0", "0000:1g:00.0",
                         "0000:17:0x.0", " 0000:17:00.0", "0000:-1:00.0"}) {
    EXPECT_THAT(PciBusId::Parse(in),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr(std::string("\"") + in + "\"")))
        << in;
  }
}

TEST(PciBusIdTest, NvmlAndSysfsFormsCompareEqualAndHashAlike) {
  absl::StatusOr<PciBusId> nvml = PciBusId::Parse("00000000:17:00.0");
  absl::StatusOr<PciBusId> sysfs = PciBusId::Parse("0000:17:00.0");
  ASSERT_OK(nvml);
  ASSERT_OK(sysfs);
  EXPECT_EQ(*nvml, *sysfs);
  absl::flat_hash_set<PciBusId> set = {*nvml};
  EXPECT_TRUE(set.contains(*sysfs));
  EXPECT_LT(PciBusId(0, 0x17, 0, 0), PciBusId(0, 0x18, 0, 0));
  EXPECT_LT(PciBusId(0, 0xff, 0, 0), PciBusId(1, 0, 0, 0));
}

}  // namespace
}  // namespace gpulet::hostfs

#include "resources/device_id.h"

#include "absl/container/flat_hash_set.h"
#include "base/status_matchers.h"
#include "gtest/gtest.h"

namespace gpulet::resources {
namespace {

using ::gpulet::testing::StatusIs;

TEST(DeviceIdTest, ParsesWholeDevicesAndReplicas) {
  struct Case {
    std::string text;
    std::string uuid;
    std::optional<int> replica;
  };
  for (const Case& c : std::vector<Case>{
           {"GPU-a84bba07-931d-b925-306a-0799dc6ebd71",
            "GPU-a84bba07-931d-b925-306a-0799dc6ebd71", std::nullopt},
           {"MIG-3464849a-845d-1f7c-3a05-79f09222a2be::0",
            "MIG-3464849a-845d-1f7c-3a05-79f09222a2be", 0},
           {"GPU-1::17", "GPU-1", 17},
       }) {
    SCOPED_TRACE(c.text);
    ASSERT_OK_AND_ASSIGN(DeviceId id, DeviceId::Parse(c.text));
    EXPECT_EQ(id.uuid(), c.uuid);
    EXPECT_EQ(id.replica(), c.replica);
    EXPECT_EQ(id.ToString(), c.text);
  }
}

TEST(DeviceIdTest, RejectsMalformedIds) {
  for (const char* text : {"", "::1", "GPU-1::", "GPU-1::x", "GPU-1::-1",
                           "GPU-1::1::2", "GPU 1", "GPU-1:2", "GPU-1::+1"}) {
    EXPECT_THAT(DeviceId::Parse(text),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         ::testing::HasSubstr(std::string("\"") + text + "\"")))
        << text;
  }
}

TEST(DeviceIdTest, OrdersByUuidThenReplicaAndHashes) {
  DeviceId whole("GPU-1");
  DeviceId r0("GPU-1", 0);
  DeviceId r1("GPU-1", 1);
  DeviceId other("GPU-2");
  EXPECT_LT(whole, r0);
  EXPECT_LT(r0, r1);
  EXPECT_LT(r1, other);
  absl::flat_hash_set<DeviceId> set = {whole, r0, r1, other, DeviceId("GPU-1", 0)};
  EXPECT_EQ(set.size(), 4u);
}

}  // namespace
}  // namespace gpulet::resources

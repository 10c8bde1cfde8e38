#include "kube/watch_event.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::kube {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ParseWatchEventTest, GoodEvents) {
  ASSERT_OK_AND_ASSIGN(
      WatchEvent event,
      ParseWatchEvent(R"({"type":"ADDED","object":{"metadata":{"name":"p","namespace":"ns",)"
                      R"("resourceVersion":"7"}}})"));
  EXPECT_EQ(event.type, "ADDED");
  EXPECT_TRUE(HasMetadata(event.object));
  EXPECT_EQ(ObjectKey(event.object), "ns/p");
  EXPECT_EQ(ObjectVersion(event.object), "7");

  ASSERT_OK_AND_ASSIGN(event, ParseWatchEvent(R"({"type":"ERROR","object":{"code":410}})"));
  EXPECT_EQ(StatusCodeOf(event.object), 410);
}

TEST(ParseWatchEventTest, MalformedLines) {
  for (const char* line : {"", "null", "[]", "{", R"({"object":{}})", R"({"type":"","object":{}})",
                           R"({"type":7,"object":{}})", R"({"type":"ADDED"})",
                           R"({"type":"ADDED","object":[]})"}) {
    EXPECT_THAT(ParseWatchEvent(line),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("malformed event line")))
        << line;
  }
}

// Members of the wrong type used to throw nlohmann::json::type_error out of
// the watcher's thread, which ended the process.
TEST(ParseWatchEventTest, WrongTypedMembersReadAsAbsent) {
  const nlohmann::json object = nlohmann::json::parse(
      R"({"metadata":{"name":5,"namespace":["x"],"resourceVersion":{}},"code":"410"})");
  EXPECT_TRUE(HasMetadata(object));
  EXPECT_EQ(ObjectKey(object), "/");
  EXPECT_EQ(ObjectVersion(object), "");
  EXPECT_EQ(StatusCodeOf(object), 0);
  EXPECT_FALSE(HasMetadata(nlohmann::json::parse(R"({"metadata":"m"})")));
  EXPECT_EQ(ObjectKey(nlohmann::json::parse("3")), "/");
  EXPECT_EQ(StatusCodeOf(nlohmann::json::parse(R"({"code":18446744073709551615})")), 0);
}

}  // namespace
}  // namespace gpulet::kube

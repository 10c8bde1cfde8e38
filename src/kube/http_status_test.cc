#include "kube/http_status.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kube/url.h"
#include "kube/client.h"

namespace gpulet::kube {
namespace {

using ::gpulet::testing::StatusIs;
using ::testing::HasSubstr;

TEST(HttpStatusTest, ConflictReasonSeparatesAlreadyExistsFromConflict) {
  EXPECT_THAT(HttpStatusToError("POST", "/api/v1/namespaces/a/pods", 409,
                                R"({"kind":"Status","reason":"AlreadyExists",
                                    "message":"pods \"p\" already exists","code":409})"),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       "POST /api/v1/namespaces/a/pods: HTTP 409 AlreadyExists: "
                       "pods \"p\" already exists"));
  EXPECT_THAT(HttpStatusToError("PATCH", "/x", 409, R"({"kind":"Status","reason":"Conflict"})"),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("Conflict")));
}

TEST(HttpStatusTest, UnknownCodesAndLongBodies) {
  EXPECT_THAT(HttpStatusToError("GET", "/x", 302, ""), StatusIs(absl::StatusCode::kUnknown,
                                                                "GET /x: HTTP 302"));
  std::string body(1000, 'z');
  absl::Status status = HttpStatusToError("GET", "/x", 502, body);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(status.message().size(), 300u);
  EXPECT_THAT(std::string(status.message()), HasSubstr("zzz..."));
}

// A body whose "kind" or "message" is not a string is no v1.Status; it
// used to throw nlohmann::json::type_error instead.
TEST(HttpStatusTest, WrongTypedStatusMembers) {
  EXPECT_THAT(HttpStatusToError("GET", "/p", 500, R"({"kind":1,"message":"m"})"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("kind")));
  EXPECT_THAT(HttpStatusToError("GET", "/p", 404, R"({"kind":"Status","message":[],"reason":2})"),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST(HttpStatusTest, RetryableCodes) {
  EXPECT_TRUE(IsRetryableHttpCode(429));
  EXPECT_TRUE(IsRetryableHttpCode(500));
  EXPECT_TRUE(IsRetryableHttpCode(503));
  EXPECT_FALSE(IsRetryableHttpCode(404));
  EXPECT_FALSE(IsRetryableHttpCode(409));
  EXPECT_TRUE(IsRetryableStatus(absl::DeadlineExceededError("")));
  EXPECT_FALSE(IsRetryableStatus(absl::NotFoundError("")));
}

TEST(HttpStatusTest, ParseRetryAfter) {
  EXPECT_EQ(ParseRetryAfter("3"), absl::Seconds(3));
  EXPECT_EQ(ParseRetryAfter(" 0 "), absl::ZeroDuration());
  EXPECT_EQ(ParseRetryAfter(""), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("-1"), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"), std::nullopt);
}

TEST(HttpStatusTest, ParseObjectBodyMalformed) {
  EXPECT_THAT(ParseObjectBody("GET", "/p", R"({"a":1})"), ::gpulet::testing::IsOk());
  for (const char* bad : {"", "{", R"({"a":)", "nul"}) {
    EXPECT_THAT(ParseObjectBody("GET", "/p", bad),
                StatusIs(absl::StatusCode::kInternal,
                         HasSubstr("GET /p: response is not valid JSON")))
        << bad;
  }
  EXPECT_THAT(ParseObjectBody("GET", "/p", "\"text\""),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("JSON string, not an object")));
}

TEST(UrlTest, EscapesSelectors) {
  EXPECT_EQ(QueryEscape("spec.nodeName=node-1,a!=b"), "spec.nodeName%3Dnode-1%2Ca%21%3Db");
  EXPECT_EQ(SelectorQuery({.label_selector = "a=b", .field_selector = ""}),
            "&labelSelector=a%3Db");
  EXPECT_EQ(SelectorQuery({}), "");
}

}  // namespace
}  // namespace gpulet::kube

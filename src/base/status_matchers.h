// GoogleTest matchers for absl::Status and absl::StatusOr<T>.
//
// Debian's abseil (20220623) has no status matchers; these use the names of
// the upstream ones (IsOk, StatusIs, ASSERT_OK_AND_ASSIGN) so that tests read
// the same after an upgrade.
//
// Example:
//   EXPECT_THAT(ParseConfig("x: ["), StatusIs(absl::StatusCode::kInvalidArgument,
//                                              HasSubstr("line 1")));
//   ASSERT_OK_AND_ASSIGN(Config c, ParseConfig(good));
#ifndef GPULET_BASE_STATUS_MATCHERS_H_
#define GPULET_BASE_STATUS_MATCHERS_H_

#include <ostream>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gpulet::testing {

inline const absl::Status& GetStatus(const absl::Status& status) {
  return status;
}
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& status = ::gpulet::testing::GetStatus(arg);
  if (!status.ok()) *result_listener << "whose status is " << status;
  return status.ok();
}

MATCHER_P2(StatusIs, code, message_matcher,
           "has code " + absl::StatusCodeToString(code)) {
  const absl::Status& status = ::gpulet::testing::GetStatus(arg);
  *result_listener << "whose status is " << status;
  if (status.code() != code) return false;
  return ::testing::ExplainMatchResult(message_matcher,
                                       std::string(status.message()),
                                       result_listener);
}

}  // namespace gpulet::testing

namespace gpulet::testing::internal {
// StatusIs(code) without a message matcher.
MATCHER_P(StatusCodeIs, code, "has code " + absl::StatusCodeToString(code)) {
  const absl::Status& status = ::gpulet::testing::GetStatus(arg);
  *result_listener << "whose status is " << status;
  return status.code() == code;
}
}  // namespace gpulet::testing::internal

namespace gpulet::testing {
inline auto StatusIs(absl::StatusCode code) {
  return internal::StatusCodeIsMatcherP<absl::StatusCode>(code);
}
}  // namespace gpulet::testing

#define EXPECT_OK(expr) EXPECT_THAT((expr), ::gpulet::testing::IsOk())
#define ASSERT_OK(expr) ASSERT_THAT((expr), ::gpulet::testing::IsOk())

#define ASSERT_OK_AND_ASSIGN(lhs, rexpr)                                  \
  GPULET_ASSERT_OK_AND_ASSIGN_IMPL_(                                      \
      GPULET_MATCHERS_CONCAT_(gpulet_statusor_, __LINE__), lhs, rexpr)
#define GPULET_MATCHERS_CONCAT_INNER_(a, b) a##b
#define GPULET_MATCHERS_CONCAT_(a, b) GPULET_MATCHERS_CONCAT_INNER_(a, b)
#define GPULET_ASSERT_OK_AND_ASSIGN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                      \
  ASSERT_THAT(statusor, ::gpulet::testing::IsOk());             \
  lhs = std::move(statusor).value()

#endif  // GPULET_BASE_STATUS_MATCHERS_H_

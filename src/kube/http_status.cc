#include "kube/http_status.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/absl_string_view.h"

namespace gpulet::kube {
namespace {

// The v1.Status message and reason of an error body, or the body itself
// (shortened) when it is not a v1.Status.
void DescribeBody(std::string_view body, std::string* message, std::string* reason) {
  nlohmann::json status = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  // value() throws on a member of another type; such a body is no v1.Status.
  auto is_string = [&](const char* key) {
    return status.contains(key) && status[key].is_string();
  };
  if (status.is_object() && is_string("kind") && status["kind"] == "Status") {
    *message = is_string("message") ? status["message"].get<std::string>() : "";
    *reason = is_string("reason") ? status["reason"].get<std::string>() : "";
    return;
  }
  constexpr size_t kMaxBody = 200;
  *message = std::string(body.substr(0, kMaxBody));
  if (body.size() > kMaxBody) message->append("...");
}

absl::StatusCode CodeFor(long code, std::string_view reason) {
  switch (code) {
    case 400:
    case 415:
    case 422:
      return absl::StatusCode::kInvalidArgument;
    case 401:
      return absl::StatusCode::kUnauthenticated;
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 404:
      return absl::StatusCode::kNotFound;
    case 409:
      return reason == "AlreadyExists" ? absl::StatusCode::kAlreadyExists
                                       : absl::StatusCode::kAborted;
    case 410:
      return absl::StatusCode::kOutOfRange;
    case 429:
      return absl::StatusCode::kUnavailable;
    case 504:
      return absl::StatusCode::kDeadlineExceeded;
    default:
      return code >= 500 && code < 600 ? absl::StatusCode::kUnavailable
                                       : absl::StatusCode::kUnknown;
  }
}

}  // namespace

absl::Status HttpStatusToError(std::string_view verb, std::string_view path, long code,
                               std::string_view body) {
  std::string message, reason;
  DescribeBody(body, &message, &reason);
  std::string text = absl::StrCat(AsAbsl(verb), " ", AsAbsl(path), ": HTTP ", code);
  if (!reason.empty()) absl::StrAppend(&text, " ", reason);
  if (!message.empty()) absl::StrAppend(&text, ": ", message);
  return absl::Status(CodeFor(code, reason), text);
}

bool IsRetryableHttpCode(long code) { return code == 429 || (code >= 500 && code < 600); }

bool IsRetryableStatus(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kDeadlineExceeded;
}

absl::StatusOr<nlohmann::json> ParseObjectBody(std::string_view verb,
                                               std::string_view path,
                                               std::string_view body) {
  nlohmann::json value = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  std::string where = absl::StrCat(AsAbsl(verb), " ", AsAbsl(path), ": ");
  if (value.is_discarded()) {
    return absl::InternalError(absl::StrCat(where, "response is not valid JSON (",
                                            body.size(), " bytes)"));
  }
  if (!value.is_object()) {
    return absl::InternalError(
        absl::StrCat(where, "response is JSON ", value.type_name(), ", not an object"));
  }
  return value;
}

std::optional<absl::Duration> ParseRetryAfter(std::string_view value) {
  int seconds = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(AsAbsl(value)), &seconds) ||
      seconds < 0) {
    return std::nullopt;
  }
  return absl::Seconds(seconds);
}

}  // namespace gpulet::kube

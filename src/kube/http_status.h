// Mapping of Kubernetes API server answers to absl::Status.
//
//   404            NotFound
//   409            AlreadyExists when the v1.Status reason is AlreadyExists,
//                  otherwise Aborted (a conflict: re-read and try again)
//   410            OutOfRange: the resource version is too old ("Gone" /
//                  "Expired"); a watcher must relist
//   401 / 403      Unauthenticated / PermissionDenied
//   400 / 422      InvalidArgument
//   415            InvalidArgument
//   429 / 5xx      Unavailable (retryable)
//   504            DeadlineExceeded (retryable)
//   other          Unknown
//
// Messages read "<VERB> <path>: HTTP <code>: <v1.Status message or body>".
// Pure functions; thread-safe.
#ifndef GPULET_KUBE_HTTP_STATUS_H_
#define GPULET_KUBE_HTTP_STATUS_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace gpulet::kube {

// The error for an HTTP answer `code` (not 2xx) with response `body`.
absl::Status HttpStatusToError(std::string_view verb, std::string_view path, long code,
                               std::string_view body);

// True for answers that a retry may change: 429 and 5xx.
bool IsRetryableHttpCode(long code);

// True for statuses that a retry may change (Unavailable, DeadlineExceeded).
bool IsRetryableStatus(const absl::Status& status);

// Parses a response body that must be one JSON object. Internal error naming
// the verb, path and what is wrong otherwise (truncated or non-object).
absl::StatusOr<nlohmann::json> ParseObjectBody(std::string_view verb,
                                               std::string_view path,
                                               std::string_view body);

// The delay of a Retry-After header in seconds ("3"); nullopt for an
// absent or unparsable value (HTTP dates are not used by the API server).
std::optional<absl::Duration> ParseRetryAfter(std::string_view value);

}  // namespace gpulet::kube

#endif  // GPULET_KUBE_HTTP_STATUS_H_

// Decoding of the API server's watch stream: one event per line,
// {"type":"ADDED","object":{...}}, and the identity of the objects in it.
//
// The stream is outside input: a proxy, a version skew or a broken server
// can send any JSON, with any member of any type. These functions never
// throw and never assume a member's type; Watcher acts only on what they
// return.
//
// Pure functions; thread-safe.
#ifndef GPULET_KUBE_WATCH_EVENT_H_
#define GPULET_KUBE_WATCH_EVENT_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace gpulet::kube {

struct WatchEvent {
  // "ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR", or a type a newer
  // server sends that the watcher ignores. Never empty.
  std::string type;
  // An object: the changed resource, or for ERROR a v1.Status.
  nlohmann::json object;
};

// Decodes one event line. InvalidArgument "malformed event line: " quoting
// the line's first 120 bytes when it is not a JSON object with a non-empty
// string "type" and an object "object".
absl::StatusOr<WatchEvent> ParseWatchEvent(std::string_view line);

// Whether `object` is an object with an object "metadata".
bool HasMetadata(const nlohmann::json& object);

// "<metadata.namespace>/<metadata.name>": the key the watcher tracks an
// object by. An absent or non-string member reads as "".
std::string ObjectKey(const nlohmann::json& object);

// metadata.resourceVersion, or "" when absent or not a string.
std::string ObjectVersion(const nlohmann::json& object);

// The "code" of a v1.Status (an ERROR event's object), or 0 when absent or
// not an integer that fits an HTTP status.
int StatusCodeOf(const nlohmann::json& status);

}  // namespace gpulet::kube

#endif  // GPULET_KUBE_WATCH_EVENT_H_
